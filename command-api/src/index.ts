import { createApi, type Api, type EventStore } from '@agent-platform/infra';
import { commandDeps } from './http.js';
import { sessionRoutes } from './sessions/routes.js';

export type { Decider, Evolvable } from './decider.js';
export { handleCommand, commandIdFor, fingerprintOf, type CommandContext, type CommandOptions } from './handler.js';
export { sessionDecider } from './sessions/decider.js';

/** Every command route, over one event store. */
export const createCommandApi = (store: EventStore): Api => {
  const api = createApi();
  const deps = commandDeps(store);
  sessionRoutes(api, deps);
  return api;
};
