import { createKnex, createLogger, loadConfig, migrateToLatest } from '@agent-platform/infra';
import { exitOnError } from './cli.js';
import { openDatabase } from './database.js';
import { MIGRATIONS } from './platform.js';

const main = async () => {
  const config = loadConfig();
  const log = createLogger(config.AGENT_PLATFORM_LOG_LEVEL);
  const database = await openDatabase(config, log);
  const knex = createKnex(database.url);
  try {
    const applied = await migrateToLatest(knex, MIGRATIONS);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the schema is up to date');
  } finally {
    await knex.destroy();
    await database.close();
  }
};

main().catch(exitOnError);
