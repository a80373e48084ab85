import type { ProjectionName } from '@agent-platform/contracts';
import { createApi, type Api, type EventStore, type Knex, type ModelProvider } from '@agent-platform/infra';
import { agentRunQueries } from './agent-runs/routes.js';
import { agentQueries } from './agents/routes.js';
import { auditQueries } from './audit/routes.js';
import { createConsistency } from './consistency.js';
import { deadLetterQueries } from './deadletters/routes.js';
import { ReadYourWritesHeaders, type QueryDeps } from './deps.js';
import { modelQueries } from './models/routes.js';
import { projectionQueries } from './projections/routes.js';
import { sessionQueries } from './sessions/routes.js';
import { toolQueries } from './tools/routes.js';

export { projectionStatuses } from './projections/status.js';

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
  sessionQueries(api, queryDeps);
  auditQueries(api, queryDeps);
  deadLetterQueries(api, queryDeps);
  toolQueries(api, queryDeps);
  agentRunQueries(api, queryDeps);
  agentQueries(api, queryDeps);
  projectionQueries(api, queryDeps);
  if (deps.models) modelQueries(api, deps.models);
  return api;
};
