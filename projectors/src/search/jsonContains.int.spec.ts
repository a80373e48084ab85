import { expect } from 'chai';
import fc from 'fast-check';
import { createKnex, type Knex } from '@agent-platform/infra';
import { describeOnEachPostgres } from '@agent-platform/infra/testing';
import { jsonContains } from './jsonContains.js';

const scalar = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', 'b', ''));
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 3 }),
  object: fc.dictionary(fc.constantFrom('x', 'y', 'z'), tie('value'), { maxKeys: 3 }),
})).value;

describeOnEachPostgres('jsonContains: jsonb @> in memory', ({ db }) => {
  let knex: Knex;
  before(() => (knex = createKnex(db().url)));
  after(async () => knex?.destroy());

  const postgres = async (value: unknown, pattern: unknown): Promise<boolean> =>
    (await knex.raw('SELECT ?::jsonb @> ?::jsonb AS contains', [JSON.stringify(value), JSON.stringify(pattern)])).rows[0].contains;

  it('given the cases PostgreSQL documents, answers as PostgreSQL does', async () => {
    const cases: [unknown, unknown][] = [
      [{ a: 1, b: { c: [1, 2] } }, { b: { c: [2] } }],
      [{ a: 1 }, { a: 1, b: 2 }],
      [[1, 2, 3], [3, 1]],
      [[1, [2, 3]], [[3]]],
      [[1, 2], 1],
      [{ tags: ['a', 'b'] }, { tags: 'a' }],
      [[[1]], [1]],
      [{ n: 1.0 }, { n: 1 }],
      [{ a: null }, { a: null }],
      [{}, {}],
    ];
    for (const [value, pattern] of cases) expect(jsonContains(value, pattern), JSON.stringify([value, pattern])).to.equal(await postgres(value, pattern));
  });

  it('given any two small JSON values, answers as PostgreSQL does', async () => {
    await fc.assert(
      fc.asyncProperty(json, json, async (value, pattern) => {
        expect(jsonContains(value, pattern)).to.equal(await postgres(value, pattern));
      }),
      { numRuns: 300 },
    );
  });
});
