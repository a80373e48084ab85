import type { Outcome } from './measure.js';
import type { QualityResult, Ranking } from './quality.js';
import { formatTable, type Column } from './table.js';

/** Issue 14's bar: the platform's default search ranks at least as well as plain BM25 of the same documents. */
export const QUALITY_TARGET = 1.0;

const COLUMNS: Column[] = [
  { title: 'ranking', align: 'left' },
  { title: 'nDCG@10', align: 'right' },
  { title: 'recall@10', align: 'right' },
  { title: 'MRR@10', align: 'right' },
  { title: 'nDCG even', align: 'right' },
  { title: 'nDCG odd', align: 'right' },
  { title: 'vs BM25', align: 'left' },
  { title: 'odd vs BM25', align: 'left' },
];

const LABELS: Record<Ranking, string> = {
  weighted: 'POST /knowledge/search (weighted, the default)',
  rrf: 'POST /knowledge/search (fusion: rrf)',
  bm25: 'plain BM25 (wink-bm25-text-search, Porter2)',
};

const f3 = (n: number): string => n.toFixed(3);
const f4 = (n: number): string => n.toFixed(4);

/** On how many queries a ranking's nDCG@10 beat BM25's, equalled it and fell short: a mean can hide both. */
const headToHead = (result: QualityResult, ranking: Ranking): string => {
  const bm25 = result.scores.bm25.perQuery;
  const mine = result.scores[ranking].perQuery;
  const count = (keep: (d: number) => boolean) => mine.filter((s, i) => keep(s.ndcg - bm25[i]!.ndcg)).length;
  return `${ranking} better on ${count((d) => d > 1e-9)}, equal on ${count((d) => Math.abs(d) <= 1e-9)}, worse on ${count((d) => d < -1e-9)}`;
};

export const formatQualityReport = (outcome: Outcome<QualityResult>): string => {
  const title = 'Retrieval quality: nDCG@10 of POST /knowledge/search against plain BM25 of the same passages';
  if ('notMeasured' in outcome) return `${title}\n\nnot measured: ${outcome.notMeasured}`;
  const { scores, documents, queries, indexSeconds, embedding } = outcome.result;
  const ratio = (ranking: Ranking) => scores[ranking].all.ndcg / scores.bm25.all.ndcg;
  const rows = (['weighted', 'rrf', 'bm25'] as const).map((ranking) => {
    const { all, even, odd } = scores[ranking];
    const vs = (n: number, of: number) => (ranking === 'bm25' ? '' : `${(n / of).toFixed(3)}×`);
    return [LABELS[ranking], f3(all.ndcg), f3(all.recall), f3(all.reciprocalRank), f4(even.ndcg), f4(odd.ndcg), vs(all.ndcg, scores.bm25.all.ndcg), vs(odd.ndcg, scores.bm25.odd.ndcg)];
  });
  const met = ratio('weighted') >= QUALITY_TARGET;
  return [
    title,
    `Set:         ${documents.toLocaleString('en-US')} passages of State of the Union addresses (one document, one chunk each), ${queries} known-item queries`,
    `Embedding:   ${embedding}; the ${documents.toLocaleString('en-US')} documents indexed in ${indexSeconds.toFixed(1)} s (POST to the last one indexed)`,
    '',
    formatTable(COLUMNS, rows),
    '',
    'Relevance: 2 for the passage a query was made from, 1 for the four other passages of its address.',
    'Even and odd: the queries of even and odd number; a weight is tuned on the even ones, the odd ones hold out.',
    `Per query, nDCG@10 against BM25's: ${headToHead(outcome.result, 'weighted')}; ${headToHead(outcome.result, 'rrf')}.`,
    `Target: the default (weighted) nDCG@10 at least ${QUALITY_TARGET.toFixed(1)}× BM25's: ${met ? 'met' : 'not met'} (${ratio('weighted').toFixed(3)}×).`,
  ].join('\n');
};
