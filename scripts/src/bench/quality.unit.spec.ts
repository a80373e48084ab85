import { expect } from 'chai';
import { bm25Ranking } from './qualityBm25.js';
import { buildCorpus, PASSAGES_PER_ADDRESS, type Passage } from './qualityCorpus.js';
import type { QualityResult } from './quality.js';
import { formatQualityReport } from './qualityReport.js';
import { meanScores, ndcgAt, recallAt, reciprocalRankAt, scoreQuery } from './qualityMetrics.js';
import { buildQueries, hasVerbatimRun, queryFor, seededRandom, VERBATIM_RUN, wordsOf } from './qualityQueries.js';

/** A cyclic sequence over `symbols` holding every run of `n` of them once, the first n − 1 repeated at the end to close the cycle. */
const deBruijn = (symbols: readonly string[], n: number): string[] => {
  const k = symbols.length;
  const a = new Array<number>(k * n).fill(0);
  const out: number[] = [];
  const extend = (t: number, p: number): void => {
    if (t > n) {
      if (n % p === 0) out.push(...a.slice(1, p + 1));
      return;
    }
    a[t] = a[t - p]!;
    extend(t + 1, p);
    for (let j = a[t - p]! + 1; j < k; j++) {
      a[t] = j;
      extend(t + 1, t);
    }
  };
  extend(1, 1);
  return [...out, ...out.slice(0, n - 1)].map((i) => symbols[i]!);
};

describe('bench retrieval quality', () => {
  describe('the measures', () => {
    // Given a passage of grade 2 and two of grade 1, when ranked b, x, a (x unjudged):
    // DCG = (2^1 − 1)/log2(2) + 0 + (2^2 − 1)/log2(4) = 1 + 1.5 = 2.5; the ideal order a, b, c gives
    // 3/log2(2) + 1/log2(3) + 1/log2(4) = 3 + 0.6309 + 0.5 = 4.1309, so nDCG@3 = 2.5 / 4.1309 = 0.6052.
    const judged = new Map([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ]);
    const ranked = ['b', 'x', 'a'];

    it('computes nDCG@k with exponential gains, as worked out by hand', () => {
      expect(ndcgAt(3, ranked, judged)).to.be.closeTo(2.5 / (3 + 1 / Math.log2(3) + 0.5), 1e-12);
      expect(ndcgAt(3, ranked, judged)).to.be.closeTo(0.6052, 1e-4);
      // Only the first k count, on both sides: at k = 2, 1 / (3 + 0.6309).
      expect(ndcgAt(2, ranked, judged)).to.be.closeTo(1 / (3 + 1 / Math.log2(3)), 1e-12);
      expect(ndcgAt(3, ['a', 'b', 'c'], judged)).to.equal(1);
      expect(ndcgAt(3, ['x', 'y'], judged)).to.equal(0);
    });

    it('computes recall@k over every relevant document and the reciprocal rank of the known item', () => {
      expect(recallAt(3, ranked, judged)).to.be.closeTo(2 / 3, 1e-12);
      expect(recallAt(2, ranked, judged)).to.be.closeTo(1 / 3, 1e-12);
      expect(reciprocalRankAt(3, ranked, judged)).to.be.closeTo(1 / 3, 1e-12);
      // A grade-1 hit first is not the known item.
      expect(reciprocalRankAt(2, ranked, judged)).to.equal(0);
    });

    it('averages each measure over the queries', () => {
      const mean = meanScores([scoreQuery(3, ['a'], judged), scoreQuery(3, [], judged)]);
      expect(mean.reciprocalRank).to.equal(0.5);
      expect(mean.recall).to.be.closeTo(1 / 6, 1e-12);
    });
  });

  describe('the labelled set', () => {
    const corpus = buildCorpus();

    it('holds at least 1,000 passages of 600 to 1,000 characters, five from each address, titled without content words', () => {
      expect(corpus.length).to.be.at.least(1000);
      expect(corpus.length % PASSAGES_PER_ADDRESS).to.equal(0);
      expect(new Set(corpus.map((p) => p.id)).size).to.equal(corpus.length);
      for (const p of corpus) {
        expect(p.text.length, p.id).to.be.within(600, 1000);
        expect(p.title).to.equal(`Address ${p.address}, passage ${p.index}`);
      }
    });

    it('makes the same queries from the same seed, none quoting a run of four words of its passage', () => {
      const queries = buildQueries(corpus, 400, 14);
      expect(buildQueries(corpus, 400, 14)).to.deep.equal(queries);
      expect(new Set(queries.map((q) => q.passageId)).size).to.equal(400);
      const byId = new Map(corpus.map((p) => [p.id, p]));
      for (const q of queries) {
        expect(wordsOf(q.text).length, q.text).to.be.within(1, 6);
        expect(hasVerbatimRun(q.text, byId.get(q.passageId)!.text), q.text).to.equal(false);
      }
    });

    it('shortens a query that no shuffle can keep from quoting its passage, until it quotes no run of four words', () => {
      // Given a sentence holding every sequence of four of its eight words (a de Bruijn sequence), where
      // every other form of a word is one of the eight too: only fewer than four words avoid a quotation.
      const alphabet = ['zor', 'zors', 'bli', 'blis', 'qua', 'quas', 'vre', 'vres'];
      const passage: Passage = { id: 'p', address: 1, index: 1, title: 't', text: `${deBruijn(alphabet, VERBATIM_RUN).join(' ')}.` };
      for (let seed = 0; seed < 10; seed++) {
        const query = queryFor(passage, seededRandom(seed));
        expect(hasVerbatimRun(query, passage.text), `seed ${seed}: ${query}`).to.equal(false);
        expect(wordsOf(query), query).to.have.length.within(1, VERBATIM_RUN - 1);
      }
    });

    it('finds a four-word run case-blind and across punctuation, and no shorter one', () => {
      expect(hasVerbatimRun('Federal RESERVE, system notes', 'the federal reserve system notes rates')).to.equal(true);
      expect(hasVerbatimRun('federal reserve system', 'the federal reserve system notes rates')).to.equal(false);
      expect(hasVerbatimRun('reserve federal system notes', 'the federal reserve system notes rates', VERBATIM_RUN)).to.equal(false);
    });
  });

  it('ranks by plain BM25 over stems, each query word once', () => {
    const rank = bm25Ranking([
      { id: 'ships', text: 'Ships sailed north today.' },
      { id: 'goods', text: 'Goods were sold today.' },
      { id: 'wheat', text: 'Wheat grew today.' },
    ]);
    expect(rank('sailing', 10)).to.deep.equal(['ships']);
    // Counted three times, "ships" would outweigh "goods"; once each, the shorter document wins.
    expect(rank('ships ships ships goods', 10)).to.deep.equal(['goods', 'ships']);
  });

  it('reports the target met only when the default search ranks at least as well as BM25', () => {
    const at = (ndcg: number) => {
      const scores = { ndcg, recall: 0.2, reciprocalRank: 0.9 };
      return { all: scores, even: scores, odd: scores, perQuery: [scores] };
    };
    const result = (weighted: number): QualityResult => ({
      documents: 1165,
      queries: 1,
      indexSeconds: 30,
      embedding: 'local/local-hash-ngram-v1, 384 dimensions',
      scores: { weighted: at(weighted), rrf: at(0.4), bm25: at(0.6) },
    });
    expect(formatQualityReport({ result: result(0.6) })).to.include('met (1.000×)').and.not.include('not met');
    expect(formatQualityReport({ result: result(0.597) })).to.include('not met (0.995×)');
    expect(formatQualityReport({ notMeasured: 'no server' })).to.include('not measured: no server');
  });
});
