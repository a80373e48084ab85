import { expect } from 'chai';
import { pino } from 'pino';
import { createKnex, type Knex } from '../db/postgres.js';
import { migrateToLatest } from '../db/migrations.js';
import { eventStoreMigrations } from '../event-store/postgres/schema.js';
import { describeOnEachPostgres } from '../testing/mocha.js';
import { getCheckpoint } from './postgres.js';
import { createCheckpointSaver } from './saver.js';

const silent = pino({ level: 'silent' });
const at = (globalPosition: number) => ({ transactionId: String(1000 + globalPosition), globalPosition });

describeOnEachPostgres('checkpoint saver', ({ db }) => {
  let knex: Knex;
  before(async () => {
    knex = createKnex(db().url);
    await migrateToLatest(knex, [eventStoreMigrations]);
  });
  after(async () => knex?.destroy());

  const positionOf = async (name: string) => (await getCheckpoint(knex, name)).globalPosition;

  it('saves the newest checkpoint of each consumer within its delay, all in one write', async () => {
    const saver = createCheckpointSaver(knex, 30, silent);
    const statements: string[] = [];
    const count = (query: { sql: string }) => statements.push(query.sql);
    knex.on('query', count);
    try {
      saver.later('saver-a', at(1));
      saver.later('saver-a', at(2));
      saver.later('saver-b', at(7));
      expect(await positionOf('saver-a')).to.equal(0);
      await new Promise((r) => setTimeout(r, 80));
      expect(statements.filter((sql) => sql.includes('INSERT INTO ap_checkpoints'))).to.have.length(1);
    } finally {
      knex.off('query', count);
    }
    expect(await positionOf('saver-a')).to.equal(2);
    expect(await positionOf('saver-b')).to.equal(7);
  });

  it('never moves a checkpoint back, forgets what its consumer saved itself, and saves what waits on flush', async () => {
    const saver = createCheckpointSaver(knex, 10_000, silent);
    saver.later('saver-c', at(5));
    await saver.flush();
    saver.later('saver-c', at(3));
    saver.later('saver-d', at(4));
    saver.forget('saver-d');
    await saver.flush();
    expect(await positionOf('saver-c')).to.equal(5);
    expect(await positionOf('saver-d')).to.equal(0);
  });
});
