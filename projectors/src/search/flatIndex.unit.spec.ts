import { expect } from 'chai';
import fc from 'fast-check';
import { createFlatIndex } from './flatIndex.js';

const cosine = (a: number[], b: number[]) => {
  const dot = a.reduce((s, x, i) => s + x * b[i]!, 0);
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return norm(a) && norm(b) ? dot / (norm(a) * norm(b)) : 0;
};

describe('the in-memory vector index (no pgvector)', () => {
  it('finds the most similar vectors of the partition searched, best first, and none of another', () => {
    const index = createFlatIndex(3);
    index.upsert('ws:kb1', 'a', [1, 0, 0]);
    index.upsert('ws:kb1', 'b', [0.9, 0.1, 0]);
    index.upsert('ws:kb1', 'c', [0, 1, 0]);
    index.upsert('ws:kb2', 'z', [1, 0, 0]);
    expect(index.search('ws:kb1', [1, 0, 0], 2).map((h) => h.id)).to.deep.equal(['a', 'b']);
    expect(index.search('ws:kb2', [1, 0, 0], 10).map((h) => h.id)).to.deep.equal(['z']);
    expect(index.search('ws:kb3', [1, 0, 0], 10)).to.deep.equal([]);
  });

  it('replaces a vector upserted again, moves it between partitions, and forgets a removed one', () => {
    const index = createFlatIndex(2);
    index.upsert('p', 'a', [1, 0]);
    index.upsert('p', 'b', [0, 1]);
    index.upsert('p', 'a', [0, 1]);
    expect(index.search('p', [1, 0], 1)[0]?.score).to.be.closeTo(0, 1e-6);
    index.upsert('q', 'a', [1, 0]);
    expect(index.search('p', [1, 0], 5).map((h) => h.id)).to.deep.equal(['b']);
    index.remove('a');
    expect(index.search('q', [1, 0], 5)).to.deep.equal([]);
    expect(index.size()).to.equal(1);
  });

  it('given a filter, ranks only the items it keeps, so the full k comes back when that many pass', () => {
    const index = createFlatIndex(2);
    for (let i = 0; i < 20; i++) index.upsert('p', `near-${i}`, [1, i / 100]);
    index.upsert('p', 'far-1', [-1, 0.1]);
    index.upsert('p', 'far-2', [-1, 0.2]);
    expect(index.search('p', [1, 0], 2, (id) => id.startsWith('far')).map((h) => h.id)).to.deep.equal(['far-2', 'far-1']); // far-2 is the less far
  });

  it('drops a whole partition and keeps the others', () => {
    const index = createFlatIndex(2);
    index.upsert('p', 'a', [1, 0]);
    index.upsert('p', 'b', [0, 1]);
    index.upsert('q', 'c', [1, 0]);
    index.drop('p');
    expect([index.size(), index.sizeOf('p'), index.sizeOf('q')]).to.deep.equal([1, 0, 1]);
    expect(index.search('p', [1, 0], 5)).to.deep.equal([]);
    index.upsert('p', 'a', [1, 0]);
    expect(index.search('p', [1, 0], 5).map((h) => h.id)).to.deep.equal(['a']);
  });

  it('refuses a vector of another dimension', () => {
    expect(() => createFlatIndex(3).upsert('p', 'a', [1, 0])).to.throw(RangeError);
  });

  it('answers exactly what sorting every vector of the partition by cosine answers, through any upserts and removals', () =>
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('upsert' as const), id: fc.integer({ min: 0, max: 30 }), p: fc.constantFrom('x', 'y'), v: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 4, maxLength: 4 }) }),
            fc.record({ op: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 30 }) }),
          ),
          { maxLength: 150 },
        ),
        fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 4, maxLength: 4 }).filter((v) => v.some((x) => x !== 0)),
        fc.integer({ min: 1, max: 12 }),
        (ops, query, k) => {
          const index = createFlatIndex(4);
          const model = new Map<string, { p: string; v: number[] }>();
          for (const o of ops) {
            if (o.op === 'upsert') {
              index.upsert(o.p, String(o.id), o.v);
              model.set(String(o.id), { p: o.p, v: o.v });
            } else {
              index.remove(String(o.id));
              model.delete(String(o.id));
            }
          }
          for (const partition of ['x', 'y']) {
            const expected = [...model].filter(([, m]) => m.p === partition).map(([id, m]) => ({ id, score: cosine(m.v, query) }));
            expected.sort((a, b) => b.score - a.score);
            const hits = index.search(partition, query, k);
            expect(hits).to.have.length(Math.min(k, expected.length));
            // Scores equal the exact ones, in order; ids may differ only among equal scores.
            hits.forEach((h, i) => expect(h.score).to.be.closeTo(expected[i]!.score, 1e-5));
            for (const h of hits) expect(cosine(model.get(h.id)!.v, query)).to.be.closeTo(h.score, 1e-5);
          }
        },
      ),
      { numRuns: 300 },
    ));
});
