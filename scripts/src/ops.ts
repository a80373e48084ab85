import { z } from 'zod';
import {
  createApi,
  oldestOpenTransactionSeconds,
  pendingMigrations,
  route,
  type Api,
  type EventStore,
  type Knex,
  type MigrationSet,
  type Pool,
} from '@agent-platform/infra';
import { projectionStatuses } from '@agent-platform/query-api';

const Readiness = z.object({
  status: z.enum(['ready', 'not_ready']),
  database: z.object({ ok: z.boolean(), embedded: z.boolean(), error: z.string().optional() }),
  migrations: z.object({ ok: z.boolean(), pending: z.array(z.string()) }),
  projections: z.array(z.object({ name: z.string(), lag_events: z.number(), lag_seconds: z.number() })),
  oldest_open_transaction_seconds: z.number().optional().describe('Log readers cannot pass the oldest open transaction.'),
});

/** A projection further behind than this makes the instance not ready. */
const MAX_READY_LAG_SECONDS = 60;

export const opsApi = (deps: {
  knex: Knex;
  pool: Pool;
  store: EventStore;
  migrations: readonly MigrationSet[];
  projectionNames: readonly string[];
  embedded: boolean;
  openApi: () => object;
}): Api => {
  const api = createApi();
  route(api, {
    method: 'get',
    path: '/health',
    summary: 'Liveness: the process answers',
    tags: ['operations'],
    responses: { 200: { description: 'Alive.', schema: z.object({ status: z.literal('ok') }) } },
    handler: async () => ({ status: 200, body: { status: 'ok' } }),
  });
  route(api, {
    method: 'get',
    path: '/ready',
    summary: 'Readiness: database reachable, migrations applied, projections keeping up',
    tags: ['operations'],
    responses: {
      200: { description: 'Ready.', schema: Readiness },
      503: { description: 'Not ready; the body says why.', schema: Readiness },
    },
    handler: async () => {
      try {
        await deps.knex.raw('SELECT 1');
      } catch (error) {
        const body = {
          status: 'not_ready',
          database: { ok: false, embedded: deps.embedded, error: (error as Error).message },
          migrations: { ok: false, pending: [] },
          projections: [],
        };
        return { status: 503, body };
      }
      const [pending, projections, oldest] = await Promise.all([
        pendingMigrations(deps.knex, deps.migrations),
        projectionStatuses(deps, deps.projectionNames),
        oldestOpenTransactionSeconds(deps.pool),
      ]);
      const lagging = projections.some((p) => p.lag_seconds > MAX_READY_LAG_SECONDS);
      const ready = pending.length === 0 && !lagging;
      return {
        status: ready ? 200 : 503,
        body: {
          status: ready ? 'ready' : 'not_ready',
          database: { ok: true, embedded: deps.embedded },
          migrations: { ok: pending.length === 0, pending },
          projections: projections.map(({ name, lag_events, lag_seconds }) => ({ name, lag_events, lag_seconds })),
          oldest_open_transaction_seconds: oldest,
        },
      };
    },
  });
  route(api, {
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI document',
    tags: ['operations'],
    responses: { 200: { description: 'OpenAPI 3.1.', schema: z.record(z.string(), z.unknown()) } },
    handler: async () => ({ status: 200, body: deps.openApi() }),
  });
  return api;
};
