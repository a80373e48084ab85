import { expect } from 'chai';
import { createKnex, type Knex } from '@agent-platform/infra';
import { describeOnEachPostgres } from '@agent-platform/infra/testing';
import { bm25, BM25_DEFAULTS } from './bm25.js';

const DOCS: [string, string][] = [
  ['d1', 'Refunds are available within seven days for eligible orders.'],
  ['d2', 'Orders ship within two days. Orders over 50 euros ship for free.'],
  ['d3', 'Our support team answers within one hour on working days.'],
  ['d4', 'Gift cards never expire and cannot be refunded.'],
  ['d5', 'A refund is paid back to the card used for the order, within five working days of the return.'],
];

describeOnEachPostgres('BM25 over PostgreSQL full-text search', ({ db }) => {
  let knex: Knex;
  const table = 'bm25_spec';
  before(async () => {
    knex = createKnex(db().url);
    await knex.schema.createTable(table, (t) => {
      t.text('id').primary();
      t.text('workspace_id').notNullable();
      t.specificType('tsv', 'tsvector').notNullable();
      t.integer('tokens').notNullable();
    });
    await knex.raw(`CREATE INDEX ON ?? USING gin (tsv)`, [table]);
    const insert = (workspace: string, id: string, text: string) =>
      knex.raw(
        `INSERT INTO ?? (id, workspace_id, tsv, tokens)
         SELECT ?, ?, v, coalesce((SELECT sum(cardinality(positions)) FROM unnest(v)), 0) FROM to_tsvector('english', ?) v`,
        [table, id, workspace, text],
      );
    for (const [id, text] of DOCS) await insert('ws', id, text);
    // Another workspace's corpus, full of the query's words: it must change nothing of ws's scores.
    for (let i = 0; i < 20; i++) await insert('ws-other', `o${i}`, 'refund refund seven days orders');
  });
  // The database is the spec's own, dropped after it.
  after(() => knex.destroy());

  const search = (query: string, workspace = 'ws', limit = 10) =>
    bm25(knex, { table, columns: { id: 'id', tsv: 'tsv', tokens: 'tokens' }, where: { workspace_id: workspace }, query, language: 'english', limit });

  /** The same ranking computed here from the lexemes PostgreSQL gives each document: what the SQL must equal. */
  const reference = async (query: string) => {
    const lexemes = async (text: string) => {
      const { rows } = (await knex.raw(`SELECT lexeme, cardinality(positions) AS tf FROM unnest(to_tsvector('english', ?))`, [text])) as {
        rows: { lexeme: string; tf: number }[];
      };
      return new Map(rows.map((r) => [r.lexeme, Number(r.tf)]));
    };
    const docs = await Promise.all(DOCS.map(async ([id, text]) => ({ id, tf: await lexemes(text) })));
    const length = (d: { tf: Map<string, number> }) => [...d.tf.values()].reduce((a, n) => a + n, 0);
    const avgdl = docs.reduce((a, d) => a + length(d), 0) / docs.length;
    const terms = [...(await lexemes(query)).keys()];
    const { k1, b } = BM25_DEFAULTS;
    return docs
      .map((d) => ({
        id: d.id,
        score: terms.reduce((sum, t) => {
          const tf = d.tf.get(t) ?? 0;
          if (!tf) return sum;
          const df = docs.filter((x) => x.tf.has(t)).length;
          const idf = Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
          return sum + (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * length(d)) / avgdl));
        }, 0),
      }))
      .filter((d) => d.score > 0)
      .sort((x, y) => y.score - x.score || x.id.localeCompare(y.id));
  };

  it('scores every document holding a query term as Okapi BM25 does, over the filtered corpus alone', async () => {
    for (const query of ['refund within seven days', 'orders ship', 'working days', 'gift card refund']) {
      const hits = await search(query);
      const expected = await reference(query);
      expect(hits.map((h) => h.id), query).to.deep.equal(expected.map((e) => e.id));
      hits.forEach((h, i) => expect(h.score, `${query} ${h.id}`).to.be.closeTo(expected[i]!.score, 1e-9));
    }
  });

  it('finds the refund policy first for "refund within seven days"', async () => {
    expect((await search('refund within seven days'))[0]?.id).to.equal('d1');
  });

  it('answers nothing for a query of stop words only, and at most `limit` hits', async () => {
    expect(await search('the and of')).to.deep.equal([]);
    expect(await search('days', 'ws', 2)).to.have.length(2);
  });

  it("never returns another workspace's rows", async () => {
    const hits = await search('refund seven days orders', 'ws', 100);
    expect(hits.every((h) => h.id.startsWith('d'))).to.equal(true);
  });
});
