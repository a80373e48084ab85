import { z } from 'zod';
import {
  CODE_LANGUAGES,
  createApi,
  getCheckpoint,
  lagOf,
  oldestOpenTransactionSeconds,
  relayName,
  pendingMigrations,
  route,
  type Api,
  type CodeRunner,
  type EventStore,
  type Knex,
  type MigrationSet,
  type Metrics,
  type Pool,
  type Relay,
} from '@agent-platform/infra';
import type { ChunkVectors } from '@agent-platform/projectors';
import { projectionStatuses } from '@agent-platform/query-api';

const Readiness = z.object({
  status: z
    .enum(['ready', 'degraded', 'not_ready'])
    .describe('`degraded` (still 200): ready, but a projection parked events it could not apply, listed in `GET /projections`.'),
  database: z.object({ ok: z.boolean(), embedded: z.boolean(), error: z.string().optional() }),
  migrations: z.object({ ok: z.boolean(), pending: z.array(z.string()) }),
  projections: z.array(z.object({ name: z.string(), lag_events: z.number(), lag_seconds: z.number(), parked_events: z.number() })),
  relay: z
    .object({ broker: z.string(), leader: z.boolean(), lag_events: z.number(), lag_seconds: z.number() })
    .optional()
    .describe('The outbox relay of this process; `leader` is false while another process relays.'),
  oldest_open_transaction_seconds: z.number().optional().describe('Log readers cannot pass the oldest open transaction.'),
  vector_search: z
    .object({ path: z.enum(['pgvector', 'in-process']) })
    .catchall(z.unknown())
    .optional()
    .describe("Knowledge search's vector path, chosen at start (`AGENT_PLATFORM_VECTOR_SEARCH`), and its facts: pgvector's version and indexed dimensions, or the in-process index's bases and vectors held."),
  code_runner: z
    .object({ available: z.boolean(), isolation: z.string(), languages: z.array(z.enum(CODE_LANGUAGES)), reason: z.string().optional() })
    .optional()
    .describe('`POST /code/run`: whether its sandbox could be made on this host, in which languages, and why not. An unavailable runner leaves the status as it is: the rest of the platform serves.'),
});

/** The relay's lag, read from its checkpoint, so a standby reports the leader's progress too. */
const relayLag = async (deps: { knex: Knex; store: EventStore; relay: { relay: Relay; broker: string } }) => {
  const lag = await lagOf(deps.store, await getCheckpoint(deps.knex, relayName({ name: deps.relay.broker })));
  return { broker: deps.relay.broker, leader: deps.relay.relay.status().leader, lag_events: lag.events, lag_seconds: lag.seconds };
};

/**
 * A projection further behind than this makes the instance not ready. A parked event does not: its
 * projection went on past it, so reads of every tenant are served and current; `/ready` says `degraded`
 * and stays 200, for an operator to look, not for a balancer to take the instance out.
 */
const MAX_READY_LAG_SECONDS = 60;

export const opsApi = (deps: {
  knex: Knex;
  pool: Pool;
  store: EventStore;
  migrations: readonly MigrationSet[];
  projectionNames: readonly string[];
  embedded: boolean;
  relay?: { relay: Relay; broker: string };
  vectorSearch?: ChunkVectors;
  codeRunner?: CodeRunner;
  metrics: Metrics;
  openApi: () => object;
}): Api => {
  const api = createApi();
  registerGauges(deps);
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
    summary: 'Readiness: database reachable, migrations applied, projections keeping up; degraded when events are parked',
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
      const [pending, projections, oldest, relay, vectorSearch] = await Promise.all([
        pendingMigrations(deps.knex, deps.migrations),
        projectionStatuses(deps, deps.projectionNames),
        oldestOpenTransactionSeconds(deps.pool),
        deps.relay ? relayLag({ ...deps, relay: deps.relay }) : undefined,
        deps.vectorSearch?.describe(),
      ]);
      const lagging =
        projections.some((p) => p.lag_seconds > MAX_READY_LAG_SECONDS) || (relay?.lag_seconds ?? 0) > MAX_READY_LAG_SECONDS;
      const ready = pending.length === 0 && !lagging;
      const degraded = projections.some((p) => p.parked_events > 0);
      return {
        status: ready ? 200 : 503,
        body: {
          status: ready ? (degraded ? 'degraded' : 'ready') : 'not_ready',
          database: { ok: true, embedded: deps.embedded },
          migrations: { ok: pending.length === 0, pending },
          projections: projections.map(({ name, lag_events, lag_seconds, parked_events }) => ({ name, lag_events, lag_seconds, parked_events })),
          ...(relay ? { relay } : {}),
          oldest_open_transaction_seconds: oldest,
          ...(vectorSearch ? { vector_search: vectorSearch } : {}),
          ...(deps.codeRunner ? { code_runner: deps.codeRunner.describe() } : {}),
        },
      };
    },
  });
  route(api, {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics: HTTP timings, projection and relay lag, the oldest open transaction',
    tags: ['operations'],
    responses: { 200: { description: 'Prometheus text format.', schema: z.string(), contentType: 'text/plain' } },
    handler: async ({ res }) => {
      res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
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

/**
 * One read for the gauges a scrape collects together (the registry collects them all at once): without it,
 * each gauge of the projections, or of the relay, would run the same queries again in the same scrape.
 */
const perScrape = <T>(read: () => Promise<T>): (() => Promise<T>) => {
  let reading: Promise<T> | undefined;
  return () =>
    (reading ??= read().finally(() => {
      reading = undefined;
    }));
};

const registerGauges = (deps: Parameters<typeof opsApi>[0]) => {
  const statuses = perScrape(() => projectionStatuses(deps, deps.projectionNames));
  deps.metrics.gaugeOnScrape('agent_platform_projection_lag_seconds', 'Age of the oldest event a projection has not applied', ['projection'], async () =>
    (await statuses()).map((p) => ({ labels: { projection: p.name }, value: p.lag_seconds })),
  );
  deps.metrics.gaugeOnScrape('agent_platform_projection_parked_events', 'Events a projection could not apply and stepped over', ['projection'], async () =>
    (await statuses()).map((p) => ({ labels: { projection: p.name }, value: p.parked_events })),
  );
  deps.metrics.gaugeOnScrape('agent_platform_oldest_open_transaction_seconds', 'Age of the oldest open transaction; log readers cannot pass it', [], async () => [
    { value: await oldestOpenTransactionSeconds(deps.pool) },
  ]);
  if (!deps.relay) return;
  const relay = deps.relay;
  const lag = perScrape(() => relayLag({ ...deps, relay }));
  deps.metrics.gaugeOnScrape('agent_platform_relay_lag_seconds', 'Age of the oldest event not yet published to the broker', ['broker'], async () => [
    { labels: { broker: relay.broker }, value: (await lag()).lag_seconds },
  ]);
  deps.metrics.gaugeOnScrape('agent_platform_relay_lag_events', 'Positions between the relay checkpoint and the head of the log', ['broker'], async () => [
    { labels: { broker: relay.broker }, value: (await lag()).lag_events },
  ]);
};
