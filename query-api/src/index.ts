import type { ProjectionName } from '@agent-platform/contracts';
import { createApi, type Api, type EmbeddingProvider, type EventStore, type Knex, type ModelProvider } from '@agent-platform/infra';
import type { knowledgeReader } from '@agent-platform/projectors/readers';
import { auditQueries } from './audit/routes.js';
import { createConsistency } from './consistency.js';
import { ReadYourWritesHeaders, type QueryDeps } from './deps.js';
import type { QueryModule } from './module.js';
import { modelQueries } from './models/routes.js';
import { projectionQueries } from './projections/routes.js';

export { projectionStatuses } from './projections/status.js';
export type { QueryModule, QueryRoutes } from './module.js';

/**
 * The query routes of the given domains (the composition root lists them), then the platform's own (the
 * log, the projections' status), over the read models and the log. A route refuses a path parameter that
 * is not its id and passes the request on, so their order does not matter (`/agents/runs` is never taken
 * for the agent `runs`).
 */
export const createQueryApi = (deps: {
  knex: Knex;
  store: EventStore;
  projectionNames: readonly ProjectionName[];
  readYourWritesTimeoutMs: number;
  /** The projectors of this process, when it runs them: a read waiting for its writes hurries them. */
  hurryProjections?: () => void;
  /** Mounts `GET /models` (and `/models/models` for the OpenAI client) when given. */
  models?: ModelProvider;
  /** The domains to mount, in this order. */
  modules: readonly QueryModule[];
  embeddings?: EmbeddingProvider;
  chunkVectors?: knowledgeReader.ChunkVectors;
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
    ...(deps.embeddings ? { embeddings: deps.embeddings } : {}),
    ...(deps.chunkVectors ? { chunkVectors: deps.chunkVectors } : {}),
  };
  for (const mount of [...deps.modules.map((module) => module.routes), auditQueries, projectionQueries]) mount(api, queryDeps);
  if (deps.models) modelQueries(api, deps.models);
  return api;
};
