import { createApi, type Api, type EventStore, type Knex, type ModelProvider } from '@agent-platform/infra';
import { commandDeps } from './http.js';
import { agentRunRoutes } from './agent-runs/routes.js';
import { agentRoutes } from './agents/routes.js';
import { deadLetterRoutes } from './deadletters/routes.js';
import { integrationRoutes } from './integration/routes.js';
import { modelRoutes } from './models/routes.js';
import { sessionRoutes } from './sessions/routes.js';
import { toolRoutes } from './tools/routes.js';

export type { Decider, Evolvable } from './decider.js';
export { handleCommand, loadState, commandIdFor, fingerprintOf, type CommandContext, type CommandOptions } from './handler.js';
export { sessionDecider } from './sessions/decider.js';
export { deadLetterDecider } from './deadletters/decider.js';
export { toolDecider } from './tools/decider.js';
export { agentDecider, runnableVersion } from './agents/decider.js';
export { agentRunDecider } from './agent-runs/decider.js';

/**
 * Every command route, over one event store; `knex` keeps the HTTP consumers' delivery state. The model
 * gateway (`POST /models/chat/completions`) is mounted when a model provider is given.
 */
export const createCommandApi = (store: EventStore, knex: Knex, models?: ModelProvider): Api => {
  const api = createApi();
  const deps = commandDeps(store);
  sessionRoutes(api, deps);
  deadLetterRoutes(api, deps);
  toolRoutes(api, deps);
  agentRoutes(api, deps);
  agentRunRoutes(api, deps);
  integrationRoutes(api, { ...deps, knex });
  if (models) modelRoutes(api, models);
  return api;
};
