import { expect } from 'chai';
import { describeOnEachPostgres } from '../testing/mocha.js';
import { tryLeadership } from './leadership.js';
import { createPool, type Pool } from './postgres.js';

describeOnEachPostgres('advisory-lock leadership', ({ db }) => {
  let pool: Pool;
  before(() => {
    pool = createPool(db().url, 5);
  });
  after(async () => pool?.end());

  it('gives a name to one holder at a time, and to the next once released', async () => {
    const first = await tryLeadership(pool, 'job-a');
    expect(first).to.not.equal(undefined);
    expect(await tryLeadership(pool, 'job-a')).to.equal(undefined);
    const other = await tryLeadership(pool, 'job-b');
    expect(other).to.not.equal(undefined);
    await first!.release();
    const next = await tryLeadership(pool, 'job-a');
    expect(next).to.not.equal(undefined);
    await next!.release();
    await other!.release();
  });

  // A killed backend emits two errors on the client; the second once crashed the process when released late.
  it('survives its connection being killed, reports it lost, and frees the name', async () => {
    const leader = await tryLeadership(pool, 'job-killed');
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const admin = createPool(db().url, 1);
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      await admin.end();
      await leader!.lost;
      await new Promise((r) => setTimeout(r, 200));
      await leader!.release();
      const next = await tryLeadership(pool, 'job-killed');
      expect(next).to.not.equal(undefined);
      await next!.release();
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).to.deep.equal([]);
  });
});
