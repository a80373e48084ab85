import { expect } from 'chai';
import { fuse } from './fusion.js';

describe('fusing the keyword and vector sides of a search', () => {
  const keyword = [
    { id: 'refund-policy', score: 4 },
    { id: 'gift-cards', score: 1 },
  ];
  const vector = [
    { id: 'returns', score: 0.9 },
    { id: 'refund-policy', score: 0.8 },
    { id: 'unrelated', score: -0.2 },
  ];

  it('weighs BM25 over its best hit against the cosine similarity, and a hit of one side gets 0 from the other', () => {
    const fused = fuse(keyword, vector, { mode: 'weighted', keywordWeight: 0.5 });
    expect(fused.map((f) => [f.id, f.keyword_score, f.vector_score, f.score])).to.deep.equal([
      ['refund-policy', 1, 0.8, 0.9],
      ['returns', 0, 0.9, 0.45],
      ['gift-cards', 0.25, 0, 0.125],
      ['unrelated', 0, 0, 0],
    ]);
  });

  it('adds 1/(k + rank) of each side with reciprocal-rank fusion', () => {
    const fused = fuse(keyword, vector, { mode: 'rrf', rrfK: 60 });
    expect(fused[0]).to.deep.include({ id: 'refund-policy', score: 1 / 61 + 1 / 62 });
    expect(fused.map((f) => f.id)).to.deep.equal(['refund-policy', 'returns', 'gift-cards', 'unrelated']);
  });

  it('answers nothing for two empty sides', () => expect(fuse([], [], { mode: 'weighted' })).to.deep.equal([]));
});
