/*
 * 32-bit hashing of features without building their strings: FNV-1a over UTF-16 code units, finished
 * with MurmurHash3's fmix32 so that every bit (the sign and the bucket below) depends on every input bit.
 * Changing anything here changes every stored local vector: see LOCAL_EMBEDDING_MODEL.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export const mix = (h: number): number => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};

/** The hash of `text[start, end)`; `seed` keeps the kinds of feature apart (a word and a trigram that are spelled alike). */
export const hashRange = (text: string, start: number, end: number, seed: number): number => {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return mix(h);
};

/** The hash of an ordered pair of hashes. */
export const hashPair = (first: number, second: number, seed: number): number => mix((Math.imul(first, 0x9e3779b1) ^ second ^ seed) >>> 0);
