import http from 'node:http';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { createCommandApi } from '@agent-platform/command-api';
import {
  createHttpApp,
  httpServerOptions,
  createKnex,
  createPool,
  createMetrics,
  createModelProvider,
  createCodeRunner,
  createEmbeddingProvider,
  eventStoreMigrations,
  migrateToLatest,
  openApiDocument,
  startRelay,
  type Api,
  type Config,
  type Logger,
} from '@agent-platform/infra';
import { createRuns, platformProcessors, startHumanTaskExpiry, startMemoryExpiry, startProcessorRuntime, startSchedulerService } from '@agent-platform/processors';
import { chooseChunkVectors, readModelMigrations, startProjectors } from '@agent-platform/projectors';
import { createQueryApi } from '@agent-platform/query-api';
import { openBroker } from './broker.js';
import { openDataKeys } from './dataKeys.js';
import { openDatabase } from './database.js';
import { commandModules, processorModules, projectionModules, projectors, queryModules } from './domains.js';
import { openEventStore } from './eventStore.js';
import { knowledgeSearchOf } from './knowledgeSearch.js';
import { opsApi } from './ops.js';

export const ROLES = ['command-api', 'query-api', 'projectors', 'relay', 'processors', 'scheduler'] as const;
export type Role = (typeof ROLES)[number];

export const MIGRATIONS = [eventStoreMigrations, readModelMigrations(projectionModules)];

/** How often a projection retries a failing event before it parks it: the running platform's and a replay's. */
export const projectionRetryOf = (config: Config) => ({
  maxAttempts: config.AGENT_PLATFORM_PROJECTION_MAX_ATTEMPTS,
  baseDelayMs: config.AGENT_PLATFORM_PROJECTION_RETRY_MS,
});
const VERSION = '0.1.0';

/** Where a client on this machine reaches the server; a wildcard address is reached as localhost. */
const urlOf = ({ address, port }: AddressInfo): string => {
  const host = address === '0.0.0.0' || address === '::' ? 'localhost' : address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${port}`;
};

export type Platform = { url: string | undefined; databaseUrl: string; embedded: boolean; stop: () => Promise<void> };

/**
 * The composition root: one database, one event store, and the roles asked for. All roles together are
 * the all-in-one server of `npm start`; each role alone is one process of a multi-process deployment.
 */
export const startPlatform = async (config: Config, log: Logger, roles: readonly Role[] = ROLES): Promise<Platform> => {
  // Only the processors send secrets; a secret no tool can use is said where it would be missed.
  if (roles.includes('processors')) for (const warning of config.secretWarnings) log.warn(warning);
  const database = await openDatabase(config, log);
  const closers: (() => Promise<void>)[] = [database.close];
  const stop = async () => {
    for (const close of closers.reverse()) await close().catch((error) => log.error({ err: error }, 'shutdown step failed'));
  };
  try {
    const knex = createKnex(database.url);
    closers.push(() => knex.destroy());
    const applied = await migrateToLatest(knex, MIGRATIONS);
    if (applied.length) log.info({ migrations: applied }, 'migrations applied');

    const pool = createPool(database.url, config.AGENT_PLATFORM_DB_POOL_SIZE);
    closers.push(() => pool.end());
    const store = await openEventStore(config, { pool, url: database.url }, log);
    closers.push(() => store.close());

    const dataKeys = await openDataKeys(config, pool, database, log);
    const embeddings = createEmbeddingProvider(config, log); // the local hashed n-gram embedding unless a provider is configured
    // Chosen once: pgvector HNSW where the extension exists, else an in-process index kept current from the read model.
    // Searched by `POST /knowledge/search` and by the agent runs that cite knowledge, which both the command API and the processors execute.
    const chunkVectors = roles.some((role) => role === 'query-api' || role === 'command-api' || role === 'processors')
      ? await chooseChunkVectors(knex, config.AGENT_PLATFORM_VECTOR_SEARCH, { maxVectors: config.AGENT_PLATFORM_VECTOR_MAX_VECTORS })
      : undefined;
    if (chunkVectors) {
      closers.push(() => chunkVectors.vectors.close());
      log.info({ path: chunkVectors.vectors.path, ...(chunkVectors.reason ? { pgvector_unavailable: chunkVectors.reason } : {}) }, `vector search: ${chunkVectors.vectors.path}`);
    }
    const projectionNames = projectors.map((p) => p.name);
    const projectorRuntime = roles.includes('projectors')
      ? startProjectors({
          store,
          knex,
          pool,
          projectors,
          log,
          lingerMs: config.AGENT_PLATFORM_PROJECTION_LINGER_MS,
          retry: projectionRetryOf(config),
          services: { dataKeys },
        })
      : undefined;
    if (projectorRuntime) closers.push(() => projectorRuntime.stop());
    const broker = roles.includes('relay') || roles.includes('processors') ? await openBroker(config, log) : undefined;
    if (broker) closers.push(() => broker.close());
    const relay = broker && roles.includes('relay') ? startRelay({ store, broker, knex, pool, log, lingerMs: config.AGENT_PLATFORM_RELAY_LINGER_MS }) : undefined;
    if (relay) closers.push(() => relay.stop());
    // Probed once (it starts a sandbox per language); a host that cannot isolate gets a runner that refuses, and /ready says why.
    // Both sides run code: `POST /code/run` on the command side, code skills wherever a skill run is executed.
    const codeRunner = roles.includes('command-api') || roles.includes('processors') ? await createCodeRunner(config) : undefined;
    const codeRunnerStatus = codeRunner?.describe();
    if (codeRunnerStatus && !codeRunnerStatus.available) log.warn({ reason: codeRunnerStatus.reason }, 'the code runner is unavailable: POST /code/run answers 503 and code skills fail');
    const models = createModelProvider(config); // the local `local-react` model unless a provider is configured
    const workerKey = `processor:${hostname()}:${process.pid}`;
    const runs = createRuns({
      store,
      knex,
      log,
      config,
      models,
      workerKey,
      ...(codeRunner ? { codeRunner } : {}),
      memories: { dataKeys, embeddings },
      ...(chunkVectors ? { knowledge: { search: knowledgeSearchOf({ knex, vectors: chunkVectors.vectors }, embeddings), dataKeys } } : {}),
    });
    if (broker && roles.includes('processors')) {
      const runtime = await startProcessorRuntime({ broker, store, knex, log }, platformProcessors(processorModules, { store, knex, ...runs.processorDeps, knowledge: { dataKeys, embeddings } }));
      closers.push(() => runtime.stop());
      const sweepers = runs.sweep();
      closers.push(() => sweepers.stop());
      const expiry = startMemoryExpiry({ store, knex, dataKeys, log, intervalMs: config.AGENT_PLATFORM_MEMORY_EXPIRY_INTERVAL_MS });
      closers.push(() => expiry.stop());
      const taskExpiry = startHumanTaskExpiry({ store, knex, log, intervalMs: config.AGENT_PLATFORM_HUMAN_TASK_EXPIRY_INTERVAL_MS });
      closers.push(() => taskExpiry.stop());
    }

    // Pushed last, so it runs first: the runs in flight stop before the consumers and the pools they use.
    closers.push(() => runs.stop());
    // Any number of processes may run the scheduler: each slot fires once, decided on its job's stream.
    // Pushed after the runs, so it stops first: no fire starts a run the kernel no longer drives.
    if (roles.includes('scheduler')) {
      const scheduler = startSchedulerService({ store, knex, log, config, engineId: `scheduler:${hostname()}:${process.pid}`, agentRuns: { executor: runs.agentRuns, workerKey } });
      closers.push(() => scheduler.stop());
    }

    const apis: Api[] = [];
    if (roles.includes('command-api')) {
      const eagerWorkerKey = roles.includes('processors') ? workerKey : undefined;
      apis.push(
        createCommandApi(store, knex, {
          modules: commandModules,
          models,
          ...(codeRunner ? { code: { runner: codeRunner, maxTimeoutSeconds: config.AGENT_PLATFORM_MAX_TIMEOUT_SECONDS } } : {}),
          agentRuns: { executor: runs.agentRuns, executeWaitMs: config.AGENT_PLATFORM_EXECUTE_WAIT_MS, ...(eagerWorkerKey ? { eagerWorkerKey } : {}) },
          teamRuns: { executor: runs.teamRuns, executeWaitMs: config.AGENT_PLATFORM_EXECUTE_WAIT_MS, ...(eagerWorkerKey ? { eagerWorkerKey } : {}) },
          memories: { dataKeys, embeddings },
          knowledge: { dataKeys, embeddings },
          skillRuns: { executor: runs.skillRuns, executeWaitMs: config.AGENT_PLATFORM_EXECUTE_WAIT_MS },
          scheduler: { misfireGraceMs: config.AGENT_PLATFORM_SCHEDULER_MISFIRE_GRACE_MS },
        }),
      );
    }
    if (roles.includes('query-api')) {
      apis.push(
        createQueryApi({
          modules: queryModules,
          knex,
          store,
          projectionNames,
          readYourWritesTimeoutMs: config.AGENT_PLATFORM_READ_YOUR_WRITES_TIMEOUT_MS,
          models,
          embeddings,
          ...(chunkVectors ? { chunkVectors: chunkVectors.vectors } : {}),
          ...(projectorRuntime ? { hurryProjections: projectorRuntime.hurry } : {}),
        }),
      );
    }
    if (apis.length === 0) return { url: undefined, databaseUrl: database.url, embedded: database.embedded, stop };

    const documented = [...apis];
    const metrics = createMetrics();
    const ops = opsApi({
      knex,
      pool,
      store,
      metrics,
      ...(relay && broker ? { relay: { relay, broker: broker.name } } : {}),
      migrations: MIGRATIONS,
      projectionNames,
      embedded: database.embedded,
      ...(chunkVectors ? { vectorSearch: chunkVectors.vectors } : {}),
      ...(codeRunner ? { codeRunner } : {}),
      openApi: () => openApiDocument([...documented, ops], VERSION),
    });
    const server = http.createServer(httpServerOptions(config), createHttpApp(log, [ops, ...apis], metrics));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.AGENT_PLATFORM_PORT, config.AGENT_PLATFORM_HOST, resolve);
    });
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          // Streams (SSE) never go idle: they get a moment to end, then are cut.
          setTimeout(() => server.closeAllConnections(), 1000).unref();
        }),
    );
    const url = urlOf(server.address() as AddressInfo);
    log.info({ roles, url }, `agent-platform listening on ${url}`);
    return { url, databaseUrl: database.url, embedded: database.embedded, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};
