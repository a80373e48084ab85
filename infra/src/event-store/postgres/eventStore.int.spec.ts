import { createKnex, createPool } from '../../db/postgres.js';
import { migrateToLatest } from '../../db/migrations.js';
import { describeOnEachPostgres } from '../../testing/mocha.js';
import { eventStoreContract, type OpenTransaction } from '../eventStore.contract.js';
import { appendToStream } from './appendToStream.js';
import { createPostgresEventStore } from './eventStore.js';
import { eventStoreMigrations } from './schema.js';

describeOnEachPostgres('PostgreSQL event store', ({ db }) => {
  eventStoreContract(async ({ upcaster }) => {
    const { url } = db();
    const knex = createKnex(url);
    await migrateToLatest(knex, [eventStoreMigrations]);
    await knex.destroy();
    const pool = createPool(url, 30);
    const store = createPostgresEventStore({ pool, listenConnectionString: url, upcaster });
    await store.ready;

    const beginTransaction = async (): Promise<OpenTransaction> => {
      const client = await pool.connect();
      await client.query('BEGIN');
      // A connection whose COMMIT or ROLLBACK failed is closed, not handed to the next test.
      const end = async (sql: string) => {
        try {
          await client.query(sql);
          client.release();
        } catch (error) {
          client.release(error as Error);
          throw error;
        }
      };
      return {
        append: async (streamId, events) => {
          const outcome = await appendToStream(client, streamId, events, { expectedVersion: null });
          if (outcome.kind !== 'appended') throw new Error(`append in transaction failed: ${outcome.kind}`);
        },
        commit: () => end('COMMIT'),
        rollback: () => end('ROLLBACK'),
      };
    };

    return {
      store,
      beginTransaction,
      allEventIds: async () => (await pool.query('SELECT event_id FROM ap_events')).rows.map((r) => r.event_id),
      teardown: async () => {
        await store.close();
        await pool.end();
      },
    };
  });
});

