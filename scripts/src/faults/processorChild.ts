import { parseArgs } from 'node:util';
import { createKnex, createLogger, createPool, loadConfig, StartupError } from '@agent-platform/infra';
import { platformProcessors, startProcessorRuntime } from '@agent-platform/processors';
import { openBroker } from '../broker.js';
import { exitOnError } from '../cli.js';
import { processorModules } from '../domains.js';
import { openEventStore } from '../eventStore.js';
import { faultProcessor, type EffectMode } from './faultProcessor.js';

/**
 * A member of the processors role with the fault tests' processor added: the pieces platform.ts builds
 * for `--role processors` (knex, pool, event store, broker, processor runtime over `platformProcessors`),
 * from the same configuration, plus `faultProcessor` as the extra reaction. The schema must be migrated
 * already (the test starts the platform first), so that members starting together do not race for it.
 *
 *   node --conditions=source --import tsx scripts/src/faults/processorChild.ts \
 *     --group G --types SessionOpened[,…] --mode row|command [--ack-wait-ms 2000] [--concurrency 8]
 */
const main = async () => {
  const { values } = parseArgs({
    options: {
      group: { type: 'string' },
      types: { type: 'string' },
      mode: { type: 'string', default: 'row' },
      'ack-wait-ms': { type: 'string', default: '30000' },
      concurrency: { type: 'string', default: '8' },
    },
  });
  if (!values.group || !values.types) throw new StartupError('--group and --types are required');
  if (values.mode !== 'row' && values.mode !== 'command') throw new StartupError('--mode is row or command');
  const config = loadConfig();
  if (!config.AGENT_PLATFORM_DATABASE_URL || !config.AGENT_PLATFORM_NATS_URL) {
    throw new StartupError('AGENT_PLATFORM_DATABASE_URL and AGENT_PLATFORM_NATS_URL are required');
  }
  const log = createLogger(config.AGENT_PLATFORM_LOG_LEVEL);
  const url = config.AGENT_PLATFORM_DATABASE_URL;

  const knex = createKnex(url);
  const pool = createPool(url, config.AGENT_PLATFORM_DB_POOL_SIZE);
  const store = await openEventStore(config, { pool, url }, log);
  const broker = await openBroker(config, log);
  const processor = faultProcessor(
    { store, knex },
    { group: values.group, types: values.types.split(','), mode: values.mode as EffectMode, concurrency: Number(values.concurrency) },
  );
  const runtime = await startProcessorRuntime({ broker, store, knex, log }, platformProcessors(processorModules, { store, knex }, [processor]), {
    ackWaitMs: Number(values['ack-wait-ms']),
  });
  log.info({ consumer_group: values.group, pid: process.pid }, 'fault processor ready');

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await runtime.stop();
    await broker.close();
    await store.close();
    await pool.end();
    await knex.destroy();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () =>
      shutdown().then(
        () => process.exit(0),
        () => process.exit(1),
      ),
    );
  }
};

main().catch(exitOnError);
