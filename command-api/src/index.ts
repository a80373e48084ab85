import { createApi, type Api, type EventStore, type Knex, type ModelProvider } from '@agent-platform/infra';
import type { RunExecutor } from './agent-runs/executor.js';
import { commandDeps } from './http.js';
import { agentRunExecutionRoutes } from './agent-runs/executionRoutes.js';
import { agentRunRoutes } from './agent-runs/routes.js';
import { agentRoutes } from './agents/routes.js';
import { deadLetterRoutes } from './dead-letters/routes.js';
import { integrationRoutes } from './integration/routes.js';
import { modelRoutes } from './models/routes.js';
import { sessionRoutes } from './sessions/routes.js';
import { toolRoutes } from './tools/routes.js';

export * from './commands.js';
export { loadState, commandIdFor, fingerprintOf } from './handler.js';
export { executeRun } from './agent-runs/execution.js';

/**
 * Every command route, over one event store; `knex` keeps the HTTP consumers' delivery state and finds
 * the next run for the worker claim API. The model gateway (`POST /models/chat/completions`) is mounted
 * when a model provider is given, and runs can be executed over HTTP when an executor is.
 */
export const createCommandApi = (
  store: EventStore,
  knex: Knex,
  options: {
    models?: ModelProvider;
    /** `eagerWorkerKey`: a worker runs in this process, so an automatic run starts here at once (see agentRunRoutes). */
    agentRuns?: { executor: RunExecutor; executeWaitMs: number; eagerWorkerKey?: string };
  } = {},
): Api => {
  const api = createApi();
  const deps = commandDeps(store);
  sessionRoutes(api, deps);
  deadLetterRoutes(api, deps);
  toolRoutes(api, deps);
  agentRoutes(api, deps);
  const { executor, eagerWorkerKey } = options.agentRuns ?? {};
  agentRunRoutes(api, { ...deps, ...(executor && eagerWorkerKey ? { eager: { executor, workerKey: eagerWorkerKey } } : {}) });
  if (options.agentRuns) agentRunExecutionRoutes(api, { ...deps, knex, ...options.agentRuns });
  integrationRoutes(api, { ...deps, knex });
  if (options.models) modelRoutes(api, options.models);
  return api;
};
