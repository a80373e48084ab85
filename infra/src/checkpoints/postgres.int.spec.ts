import { expect } from 'chai';
import { createKnex, createPool, pipelinedTransaction, type Knex, type Pool } from '../db/postgres.js';
import { migrateToLatest } from '../db/migrations.js';
import { LOG_START } from '../event-store/port.js';
import { eventStoreMigrations } from '../event-store/postgres/schema.js';
import { describeOnEachPostgres } from '../testing/mocha.js';
import { claimFreshPage, claimPage, getCheckpoint, isPageAlreadyApplied } from './postgres.js';

const at = (globalPosition: number) => ({ transactionId: String(1000 + globalPosition), globalPosition });

describeOnEachPostgres('claiming a page of the log', ({ db }) => {
  let knex: Knex;
  before(async () => {
    knex = createKnex(db().url);
    await migrateToLatest(knex, [eventStoreMigrations]);
  });
  after(async () => knex?.destroy());

  it('answers where the checkpoint stood and moves it to the end of the page, never back', async () => {
    expect(await knex.transaction((trx) => claimPage(trx, 'claim-a', at(5)))).to.deep.equal(LOG_START);
    expect(await knex.transaction((trx) => claimPage(trx, 'claim-a', at(9)))).to.deep.equal(at(5));
    expect(await knex.transaction((trx) => claimPage(trx, 'claim-a', at(7)))).to.deep.equal(at(9));
    expect(await getCheckpoint(knex, 'claim-a')).to.deep.equal(at(9));
  });

  it('moves nothing when the page fails: the claim rolls back with it', async () => {
    await knex.transaction((trx) => claimPage(trx, 'claim-b', at(3)));
    const failed = await knex
      .transaction(async (trx) => {
        await claimPage(trx, 'claim-b', at(8));
        throw new Error('the page failed');
      })
      .catch((error: Error) => error.message);
    expect(failed).to.equal('the page failed');
    expect(await getCheckpoint(knex, 'claim-b')).to.deep.equal(at(3));
  });

  it('makes the commit of its own transaction asynchronous, and of no other', async () => {
    const inside = await knex.transaction(async (trx) => {
      await claimPage(trx, 'claim-c', at(1));
      return (await trx.raw("SELECT current_setting('synchronous_commit') AS mode")).rows[0].mode;
    });
    const after = await knex.transaction(async (trx) => (await trx.raw("SELECT current_setting('synchronous_commit') AS mode")).rows[0].mode);
    expect(inside).to.equal('off');
    expect(after).to.equal('on');
  });

  describe('in one round trip (claimFreshPage)', () => {
    let pool: Pool;
    before(() => {
      pool = createPool(db().url, 2);
    });
    after(async () => pool?.end());

    const modeInside = async (name: string, first: number, end: number) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const claim = claimFreshPage(name, at(first), at(end));
        await client.query(claim.text, [...claim.values]);
        const { rows } = await client.query("SELECT current_setting('synchronous_commit') AS mode");
        await client.query('COMMIT');
        return rows[0].mode as string;
      } finally {
        client.release();
      }
    };

    it('moves the checkpoint to the end of a page that starts after it, with an asynchronous commit', async () => {
      expect(await modeInside('fresh-a', 1, 4)).to.equal('off');
      await pipelinedTransaction(pool, [claimFreshPage('fresh-a', at(5), at(9))]);
      expect(await getCheckpoint(knex, 'fresh-a')).to.deep.equal(at(9));
    });

    it('refuses a page whose first event the checkpoint covers, and moves nothing', async () => {
      await pipelinedTransaction(pool, [claimFreshPage('fresh-b', at(1), at(6))]);
      for (const first of [6, 3]) {
        const error = await pipelinedTransaction(pool, [claimFreshPage('fresh-b', at(first), at(10))]).catch((e: unknown) => e);
        expect(isPageAlreadyApplied(error), `a page starting at ${first}`).to.equal(true);
      }
      expect(await getCheckpoint(knex, 'fresh-b')).to.deep.equal(at(6));
    });
  });
});
