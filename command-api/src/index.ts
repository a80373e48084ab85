import { createApi, type Api, type EventStore, type Knex, type ModelProvider } from '@agent-platform/infra';
import { commandDeps } from './http.js';
import { integrationRoutes } from './integration/routes.js';
import type { CommandModuleDeps } from './module.js';
import { modelRoutes } from './models/routes.js';
import { commandModules } from './modules.js';

export * from './commands.js';
export { loadState, commandIdFor, fingerprintOf } from './handler.js';
export { commandModules } from './modules.js';
export type { CommandModule, CommandModuleDeps } from './module.js';

/**
 * Every domain's command routes, then the platform's own, over one event store; `knex` keeps the HTTP
 * consumers' delivery state and finds the next run for the worker claim API. The model gateway (`POST /models/chat/completions`) is mounted
 * when a model provider is given, and runs can be executed over HTTP when an executor is.
 */
export const createCommandApi = (
  store: EventStore,
  knex: Knex,
  options: {
    models?: ModelProvider;
    agentRuns?: CommandModuleDeps['agentRuns'];
    /** The domains to mount; all of them unless given. */
    modules?: typeof commandModules;
  } = {},
): Api => {
  const api = createApi();
  const deps = commandDeps(store);
  const moduleDeps: CommandModuleDeps = { ...deps, knex, ...(options.agentRuns ? { agentRuns: options.agentRuns } : {}) };
  for (const module of options.modules ?? commandModules) module.routes(api, moduleDeps);
  integrationRoutes(api, { ...deps, knex });
  if (options.models) modelRoutes(api, options.models);
  return api;
};
