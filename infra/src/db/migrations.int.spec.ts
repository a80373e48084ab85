import { expect } from 'chai';
import { eventStoreMigrations } from '../event-store/postgres/schema.js';
import { describeOnEachPostgres } from '../testing/mocha.js';
import { migrateToLatest, pendingMigrations } from './migrations.js';
import { createKnex } from './postgres.js';

describeOnEachPostgres('migrations', ({ db }) => {
  // Processes starting together on an unmigrated database once crashed on knex's unlocked bookkeeping tables.
  it('lets several processes migrate a fresh database at once: one applies, the others wait and find nothing to do', async () => {
    const clients = Array.from({ length: 4 }, () => createKnex(db().url, 2));
    try {
      const results = await Promise.all(clients.map((knex) => migrateToLatest(knex, [eventStoreMigrations])));
      expect(results.filter((applied) => applied.length > 0)).to.have.length(1);
      expect(results.flat()).to.deep.equal(eventStoreMigrations.migrations.map((m) => m.name));
      expect(await pendingMigrations(clients[0]!, [eventStoreMigrations])).to.deep.equal([]);
    } finally {
      await Promise.all(clients.map((knex) => knex.destroy()));
    }
  });
});
