import { expect } from 'chai';
import { MAX_INPUT_DEPTH, unstorableIssues } from './storable.js';

/** An array holding an array … `levels` deep, built without recursion. */
const deepArray = (levels: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

describe('unstorableIssues', () => {
  it('finds nothing in storable input, surrogate pairs included', () => {
    expect(unstorableIssues({ a: ['x', 1, null, true, { 'caf\u00e9 \ud83d\ude00': '\ud83d\ude00' }] })).to.deep.equal([]);
    expect(unstorableIssues(deepArray(MAX_INPUT_DEPTH - 1))).to.deep.equal([]);
  });

  it('walks input nested 1,000,000 levels without recursion, and stops at the bound', () => {
    const issues = unstorableIssues(deepArray(1_000_000));
    expect(issues).to.deep.equal([{ path: Array(MAX_INPUT_DEPTH).fill('0'), message: `nests deeper than ${MAX_INPUT_DEPTH} levels` }]);
  });

  it('names a NUL or a lone surrogate in a value by its path, and in a key with the character escaped', () => {
    expect(unstorableIssues({ a: { b: ['ok', 'x\u0000'] }, 'k\ud800': 1, '\udfff': 2 }).map((i) => i.path)).to.deep.equal([
      ['k\\ud800'],
      ['\\udfff'],
      ['a', 'b', '1'],
    ]);
  });

  it('walks an array of 1,000,000 elements', () => {
    expect(unstorableIssues({ a: Array(1_000_000).fill(0) })).to.deep.equal([]);
  });

  it('names at most 20 issues, however many there are', () => {
    expect(unstorableIssues(Array(10_000).fill('\u0000'))).to.have.length(20);
  });
});
