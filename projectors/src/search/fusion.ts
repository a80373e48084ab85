import type { Bm25Hit } from './bm25.js';
import type { VectorHit } from './flatIndex.js';

export type FusionMode = 'weighted' | 'rrf';

export type Fused = { id: string; keyword_score: number; vector_score: number; score: number };

export type FusionOptions = {
  mode: FusionMode;
  /** `weighted`: the share of the keyword side; the vector side has the rest. */
  keywordWeight?: number;
  /** `rrf`: the rank constant of reciprocal-rank fusion (60 in Cormack et al.). */
  rrfK?: number;
};

export const FUSION_DEFAULTS = { keywordWeight: 0.4, rrfK: 60 } as const;

/**
 * Merges the keyword and the vector side of a hybrid search into one ranking. `keyword_score` is the
 * BM25 score over the best of the result (0–1: BM25 has no scale of its own), `vector_score` the cosine
 * similarity (negative ones count as 0). `weighted` adds the two by weight; `rrf` (reciprocal-rank
 * fusion) adds 1/(k + rank) of each side, which needs no comparable scales at all and suits sides of
 * very different score shapes. A hit found by one side only gets 0 from the other.
 */
export const fuse = (keyword: readonly Bm25Hit[], vector: readonly VectorHit[], options: FusionOptions): Fused[] => {
  const { keywordWeight, rrfK } = { ...FUSION_DEFAULTS, ...options };
  const top = Math.max(0, ...keyword.map((h) => h.score));
  const byId = new Map<string, Fused & { keywordRank?: number; vectorRank?: number }>();
  const entry = (id: string) => {
    let e = byId.get(id);
    if (!e) byId.set(id, (e = { id, keyword_score: 0, vector_score: 0, score: 0 }));
    return e;
  };
  keyword.forEach((h, rank) => Object.assign(entry(h.id), { keyword_score: top > 0 ? h.score / top : 0, keywordRank: rank + 1 }));
  vector.forEach((h, rank) => Object.assign(entry(h.id), { vector_score: Math.max(0, h.score), vectorRank: rank + 1 }));
  const fused = [...byId.values()].map(({ keywordRank, vectorRank, ...e }) => ({
    ...e,
    score:
      options.mode === 'rrf'
        ? (keywordRank ? 1 / (rrfK + keywordRank) : 0) + (vectorRank ? 1 / (rrfK + vectorRank) : 0)
        : keywordWeight * e.keyword_score + (1 - keywordWeight) * e.vector_score,
  }));
  return fused.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
};
