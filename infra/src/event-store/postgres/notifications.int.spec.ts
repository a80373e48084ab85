import { expect } from 'chai';
import pg from 'pg';
import { createKnex, createPool, type Pool } from '../../db/postgres.js';
import { migrateToLatest } from '../../db/migrations.js';
import { describeOnEachPostgres } from '../../testing/mocha.js';
import { createPostgresEventStore } from './eventStore.js';
import { APPEND_CHANNEL, LISTEN_APPLICATION_NAME } from './notifications.js';
import { eventStoreMigrations } from './schema.js';

const CHECK_MS = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeOnEachPostgres('append notifications', ({ db }) => {
  let pool: Pool;
  let store: ReturnType<typeof createPostgresEventStore>;
  const listeners: pg.Client[] = [];
  before(async () => {
    const knex = createKnex(db().url);
    await migrateToLatest(knex, [eventStoreMigrations]);
    await knex.destroy();
    pool = createPool(db().url, 4);
    store = createPostgresEventStore({ pool, listenConnectionString: db().url, othersCheckMs: CHECK_MS });
    await store.ready;
  });
  after(async () => {
    await Promise.all(listeners.map((c) => c.end().catch(() => undefined)));
    await store?.close();
    await pool?.end();
  });

  /** A connection of another process, LISTENing under `applicationName`, and what it has received. */
  const listen = async (applicationName: string) => {
    const client = new pg.Client({ connectionString: db().url, application_name: applicationName });
    // The suite's database is dropped at the end, which ends this connection from the server's side.
    client.on('error', () => undefined);
    await client.connect();
    listeners.push(client);
    const received: string[] = [];
    client.on('notification', (n) => received.push(n.channel));
    await client.query(`LISTEN ${APPEND_CHANNEL}`);
    return received;
  };
  const appendOne = () =>
    store.append(`notify-${Math.random()}`, [{ type: 'Noted', data: {}, metadata: { workspace_id: 'w' } }], { expectedVersion: 'no_stream' });

  it('sends NOTIFY only once another listening connection of the platform is there', async () => {
    // Not one of ours (another application name): the store does not count it, and sends nothing.
    const stranger = await listen('someone-else');
    await sleep(3 * CHECK_MS);
    await appendOne();
    await sleep(3 * CHECK_MS);
    expect(stranger).to.deep.equal([]);

    // Another process's listening connection: noticed within a check, and notified of the next append.
    const peer = await listen(LISTEN_APPLICATION_NAME);
    await sleep(3 * CHECK_MS);
    await appendOne();
    await sleep(3 * CHECK_MS);
    expect(peer).to.deep.equal([APPEND_CHANNEL]);
    expect(stranger).to.deep.equal([APPEND_CHANNEL]);
  });
});
