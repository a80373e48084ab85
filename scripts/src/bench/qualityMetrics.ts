/** Graded judgements of one query: document id → relevance (2 the passage the query came from, 1 its neighbours). */
export type Judgements = ReadonlyMap<string, number>;

export type QueryScores = { ndcg: number; recall: number; reciprocalRank: number };

/** Discounted cumulative gain with the exponential gain of Burges et al. (2^rel − 1): a grade-2 hit counts three times a grade-1 one. */
const dcg = (grades: readonly number[]): number => grades.reduce((sum, grade, i) => sum + (2 ** grade - 1) / Math.log2(i + 2), 0);

/** nDCG@k: the ranking's DCG over that of the best possible ranking of the judged documents, 0 when none is relevant. */
export const ndcgAt = (k: number, ranked: readonly string[], judged: Judgements): number => {
  const ideal = dcg([...judged.values()].sort((a, b) => b - a).slice(0, k));
  return ideal > 0 ? dcg(ranked.slice(0, k).map((id) => judged.get(id) ?? 0)) / ideal : 0;
};

/** Recall@k: the share of the relevant documents (any grade above 0) found in the first k. */
export const recallAt = (k: number, ranked: readonly string[], judged: Judgements): number => {
  const relevant = [...judged.values()].filter((grade) => grade > 0).length;
  return relevant > 0 ? ranked.slice(0, k).filter((id) => (judged.get(id) ?? 0) > 0).length / relevant : 0;
};

/** 1 / the rank of the first document of the highest grade (the known item), 0 when it is not in the first k. */
export const reciprocalRankAt = (k: number, ranked: readonly string[], judged: Judgements): number => {
  const best = Math.max(0, ...judged.values());
  if (best === 0) return 0;
  const rank = ranked.slice(0, k).findIndex((id) => judged.get(id) === best);
  return rank < 0 ? 0 : 1 / (rank + 1);
};

export const scoreQuery = (k: number, ranked: readonly string[], judged: Judgements): QueryScores => ({
  ndcg: ndcgAt(k, ranked, judged),
  recall: recallAt(k, ranked, judged),
  reciprocalRank: reciprocalRankAt(k, ranked, judged),
});

/** The mean of each measure over a set of queries (MRR is the mean reciprocal rank). */
export const meanScores = (scores: readonly QueryScores[]): QueryScores => {
  const mean = (pick: (s: QueryScores) => number) => (scores.length ? scores.reduce((sum, s) => sum + pick(s), 0) / scores.length : 0);
  return { ndcg: mean((s) => s.ndcg), recall: mean((s) => s.recall), reciprocalRank: mean((s) => s.reciprocalRank) };
};
