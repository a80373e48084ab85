import { createKnex, createPool } from '../db/postgres.js';
import { migrateToLatest } from '../db/migrations.js';
import { createPostgresEventStore } from '../event-store/postgres/eventStore.js';
import { eventStoreMigrations } from '../event-store/postgres/schema.js';

/** The PostgreSQL event store on a test database, its schema migrated; `close` ends the store, then its pool. */
export const openTestEventStore = async (url: string, poolSize = 10) => {
  const knex = createKnex(url);
  try {
    await migrateToLatest(knex, [eventStoreMigrations]);
  } finally {
    await knex.destroy();
  }
  const pool = createPool(url, poolSize);
  const store = createPostgresEventStore({ pool });
  return {
    store,
    close: async () => {
      await store.close();
      await pool.end();
    },
  };
};
