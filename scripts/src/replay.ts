import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import {
  ConfigError,
  createKnex,
  createLogger,
  createPool,
  loadConfig,
  migrateToLatest,
} from '@agent-platform/infra';
import { replayProjection } from '@agent-platform/projectors';
import { exitOnError } from './cli.js';
import { openDataKeys } from './dataKeys.js';
import { openDatabase } from './database.js';
import { projectors } from './domains.js';
import { openEventStore } from './eventStore.js';
import { MIGRATIONS, projectionRetryOf } from './platform.js';

/** `npm run replay -- --projection sessions` empties that read model and rebuilds it from the log; without `--projection`, all. */
const main = async () => {
  const { values } = parseArgs({ options: { projection: { type: 'string', multiple: true } } });
  const names = values.projection ?? projectors.map((p) => p.name);
  const chosen = names.map((name) => {
    const projector = projectors.find((p) => p.name === name);
    if (!projector) throw new ConfigError(`unknown projection ${name}; projections are ${projectors.map((p) => p.name).join(', ')}`);
    return projector;
  });
  const config = loadConfig();
  const log = createLogger(config.AGENT_PLATFORM_LOG_LEVEL === 'info' ? 'warn' : config.AGENT_PLATFORM_LOG_LEVEL);
  const database = await openDatabase(config, log);
  const knex = createKnex(database.url);
  const pool = createPool(database.url, 4);
  const store = await openEventStore(config, { pool, url: database.url }, log);
  try {
    await migrateToLatest(knex, MIGRATIONS);
    const dataKeys = await openDataKeys(config, pool, database, log);
    for (const projector of chosen) {
      const bar = new cliProgress.SingleBar(
        { format: `${projector.name.padEnd(12)} [{bar}] {percentage}% | position {value}/{total} | {events} events applied` },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(await store.headPosition(), 1), 0, { events: 0 });
      const result = await replayProjection({ store, knex, pool, retry: projectionRetryOf(config), services: { dataKeys } }, projector, (p) => bar.update(p.position, { events: p.events }));
      bar.update(bar.getTotal());
      bar.stop();
      const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : result.events;
      const parked = result.parked ? `; ${result.parked} parked, see GET /projections` : '';
      console.log(`${projector.name}: ${result.events} events in ${result.seconds.toFixed(2)} s (${rate} events/s)${parked}`);
    }
  } finally {
    await store.close();
    await pool.end();
    await knex.destroy();
    await database.close();
  }
};

main().catch(exitOnError);
