import { createApi, type Api, type CodeRunner, type EventStore, type Knex, type ModelProvider } from '@agent-platform/infra';
import { codeRoutes } from './code/routes.js';
import { commandDeps } from './http.js';
import { integrationRoutes } from './integration/routes.js';
import type { CommandModule, CommandModuleDeps } from './module.js';
import { modelRoutes } from './models/routes.js';

export * from './commands.js';
export { loadState, commandIdFor, fingerprintOf } from './handler.js';
export type { CommandModule, CommandModuleDeps } from './module.js';

/**
 * The command routes of the given domains (the composition root lists them), then the platform's own, over one event store; `knex` keeps the HTTP
 * consumers' delivery state and finds the next run for the worker claim API. The model gateway (`POST /models/chat/completions`) is mounted
 * when a model provider is given, the code runner (`POST /code/run`) when a runner is, and runs can be executed over HTTP when an executor is.
 */
export const createCommandApi = (
  store: EventStore,
  knex: Knex,
  options: {
    /** The domains to mount, in this order. */
    modules: readonly CommandModule[];
    models?: ModelProvider;
    code?: { runner: CodeRunner; maxTimeoutSeconds: number };
    agentRuns?: CommandModuleDeps['agentRuns'];
    memories?: CommandModuleDeps['memories'];
    knowledge?: CommandModuleDeps['knowledge'];
    skillRuns?: CommandModuleDeps['skillRuns'];
    teamRuns?: CommandModuleDeps['teamRuns'];
    scheduler?: CommandModuleDeps['scheduler'];
  },
): Api => {
  const api = createApi();
  const deps = commandDeps(store);
  const moduleDeps: CommandModuleDeps = {
    ...deps,
    knex,
    ...(options.agentRuns ? { agentRuns: options.agentRuns } : {}),
    ...(options.memories ? { memories: options.memories } : {}),
    ...(options.knowledge ? { knowledge: options.knowledge } : {}),
    ...(options.skillRuns ? { skillRuns: options.skillRuns } : {}),
    ...(options.teamRuns ? { teamRuns: options.teamRuns } : {}),
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
  };
  for (const module of options.modules) module.routes(api, moduleDeps);
  integrationRoutes(api, { ...deps, knex });
  if (options.models) modelRoutes(api, options.models);
  if (options.code) codeRoutes(api, options.code);
  return api;
};
