import { expect } from 'chai';
import { describeOnEachPostgres } from '../testing/mocha.js';
import { createPool, pipelinedTransaction, type Pool } from './postgres.js';

describeOnEachPostgres('a pipelined transaction', ({ db }) => {
  let pool: Pool;
  before(async () => {
    pool = createPool(db().url, 1);
    await pool.query('CREATE TABLE pipelined (id integer PRIMARY KEY, note jsonb, at timestamptz)');
  });
  after(async () => pool?.end());

  const ids = async () => (await pool.query('SELECT id FROM pipelined ORDER BY id')).rows.map((r: { id: number }) => r.id);

  it('commits every statement, each seeing what the ones before it wrote, with values converted as node-postgres does', async () => {
    await pipelinedTransaction(pool, [
      { text: 'INSERT INTO pipelined (id, note, at) VALUES ($1, $2, $3)', values: [1, JSON.stringify({ a: "it's" }), new Date(0)] },
      { text: 'INSERT INTO pipelined (id) SELECT max(id) + 1 FROM pipelined', values: [] },
    ]);
    expect(await ids()).to.deep.equal([1, 2]);
    const { rows } = await pool.query('SELECT note, at FROM pipelined WHERE id = 1');
    expect(rows[0]).to.deep.equal({ note: { a: "it's" }, at: new Date(0) });
  });

  it('commits nothing when a statement fails, throws its error, and leaves the connection usable', async () => {
    const error = await pipelinedTransaction(pool, [
      { text: 'INSERT INTO pipelined (id) VALUES ($1)', values: [10] },
      { text: 'INSERT INTO pipelined (id) VALUES ($1)', values: [1] },
      { text: 'INSERT INTO pipelined (id) VALUES ($1)', values: [11] },
    ]).catch((e: unknown) => e);
    expect(error).to.have.property('code', '23505');
    expect(await ids()).to.deep.equal([1, 2]);
    // The pool's only connection: a transaction left open on it would show here.
    expect((await pool.query('SELECT now() = statement_timestamp() AS fresh')).rows[0].fresh).to.equal(true);
  });

  it('sends nothing when a value cannot be converted', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const error = await pipelinedTransaction(pool, [
      { text: 'INSERT INTO pipelined (id) VALUES ($1)', values: [20] },
      { text: 'INSERT INTO pipelined (id, note) VALUES ($1, $2)', values: [21, circular] },
    ]).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
    expect(await ids()).to.deep.equal([1, 2]);
  });
});
