import type { ProjectionName } from '@agent-platform/contracts';
import { createApi, type Api, type EventStore, type Knex, type ModelProvider } from '@agent-platform/infra';
import { auditQueries } from './audit/routes.js';
import { createConsistency } from './consistency.js';
import { ReadYourWritesHeaders, type QueryDeps } from './deps.js';
import type { QueryRoutes } from './module.js';
import { modelQueries } from './models/routes.js';
import { queryModules } from './modules.js';
import { projectionQueries } from './projections/routes.js';

export { projectionStatuses } from './projections/status.js';
export { queryModules } from './modules.js';
export type { QueryModule, QueryRoutes } from './module.js';

/**
 * The query routes of each domain, then the platform's own (the log, the projections' status). A route
 * refuses a path parameter that is not its id and passes the request on, so their order does not matter
 * (`/agents/runs` is never taken for the agent `runs`).
 */
export const queryRoutes: readonly QueryRoutes[] = [...queryModules.map((module) => module.routes), auditQueries, projectionQueries];

/** Every query route, over the read models and the log. */
export const createQueryApi = (deps: {
  knex: Knex;
  store: EventStore;
  projectionNames: readonly ProjectionName[];
  readYourWritesTimeoutMs: number;
  /** The projectors of this process, when it runs them: a read waiting for its writes hurries them. */
  hurryProjections?: () => void;
  /** Mounts `GET /models` (and `/models/models` for the OpenAI client) when given. */
  models?: ModelProvider;
  /** The routes to mount, in this order; all of them unless given. */
  routes?: typeof queryRoutes;
}): Api => {
  const api = createApi();
  const queryDeps: QueryDeps = {
    knex: deps.knex,
    store: deps.store,
    projectionNames: deps.projectionNames,
    consistency: createConsistency({
      knex: deps.knex,
      store: deps.store,
      timeoutMs: deps.readYourWritesTimeoutMs,
      ...(deps.hurryProjections ? { hurry: deps.hurryProjections } : {}),
    }),
    queryHeaders: ReadYourWritesHeaders,
  };
  for (const mount of deps.routes ?? queryRoutes) mount(api, queryDeps);
  if (deps.models) modelQueries(api, deps.models);
  return api;
};
