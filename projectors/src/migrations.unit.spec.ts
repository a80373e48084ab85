import { expect } from 'chai';
import { readModelMigrations } from './index.js';

describe('read-model migrations', () => {
  it('keeps the names and order databases already recorded, now that each domain owns its migrations', () => {
    // knex refuses to migrate a database whose recorded migrations are missing from the list: a renamed one would stop every deployed platform.
    expect(readModelMigrations.tableName).to.equal('ap_migrations_read_models');
    expect(readModelMigrations.migrations.map((m) => m.name)).to.deep.equal([
      '1001_sessions',
      '1002_dead_letters',
      '1003_tools',
      '1004_agents',
      '1005_agent_runs',
      '1006_agent_run_journal',
      '1007_parked_events',
    ]);
  });
});
