import { hashPair, hashRange, mix } from './hashing.js';
import { normaliseText, wordsOf } from './tokens.js';

/**
 * The local embedding's name and its dimension are part of the data: vectors stored under one name and
 * dimension are comparable only with vectors computed by the same code at the same dimension. Any change
 * to what this folder computes (normalising, words, n-gram sizes, weights, hashing) is a new model: give it
 * a new name (`-v2`) so that stored vectors are re-embedded rather than compared with unlike ones.
 */
export const LOCAL_EMBEDDING_MODEL = 'local-hash-ngram-v1';
export const DEFAULT_EMBEDDING_DIMENSION = 384;

const SEED = { word: 0x01, pair: 0x02, ngram: 0x03, sign: 0x5bd1e995 } as const;
const NGRAM_SIZES = [3, 4, 5];
/**
 * Each kind of feature is normalised on its own and then counts by its weight, so that the many
 * character n-grams of a text (about three per letter) do not drown its words. Words say most; word
 * pairs add word order and phrases; character n-grams of words in boundary marks (`<re`, `efun`,
 * `nds>`) match the variants of a word (`refund`, `refunds`, `refunded`) and misspellings.
 */
const WEIGHT = { word: 1, pair: 0.5, ngram: 0.8 } as const;

type Counts = Map<number, number>;
const count = (counts: Counts, feature: number) => void counts.set(feature, (counts.get(feature) ?? 0) + 1);

const featuresOf = (text: string): Array<[Counts, number]> => {
  const words: Counts = new Map();
  const pairs: Counts = new Map();
  const ngrams: Counts = new Map();
  let previous: number | undefined;
  for (const word of wordsOf(normaliseText(text))) {
    const feature = hashRange(word, 0, word.length, SEED.word);
    count(words, feature);
    if (previous !== undefined) count(pairs, hashPair(previous, feature, SEED.pair));
    previous = feature;
    const marked = `<${word}>`;
    for (const n of NGRAM_SIZES) {
      for (let i = 0; i + n <= marked.length; i++) count(ngrams, hashRange(marked, i, i + n, SEED.ngram));
    }
  }
  return [
    [words, WEIGHT.word],
    [pairs, WEIGHT.pair],
    [ngrams, WEIGHT.ngram],
  ];
};

const normalise = (vector: Float64Array): Float64Array => {
  let sum = 0;
  for (const x of vector) sum += x * x;
  if (sum > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= Math.sqrt(sum);
  return vector;
};

/**
 * Signed feature hashing (Weinberger et al., 2009): a feature adds its weight to one of `dimension`
 * buckets, with a sign from another bit of its hash, so that collisions cancel out on average instead of
 * piling up. The weight is sublinear in the feature's count (1 + ln tf): a word said ten times is not ten
 * times the topic. The result has length 1, or is all zeros for a text without a letter or digit.
 */
export const localEmbedding = (text: string, dimension: number): Float32Array => {
  const sum = new Float64Array(dimension);
  for (const [counts, weight] of featuresOf(text)) {
    const group = new Float64Array(dimension);
    for (const [feature, tf] of counts) {
      const sign = mix((feature ^ SEED.sign) >>> 0) & 1 ? 1 : -1;
      group[feature % dimension]! += sign * (1 + Math.log(tf));
    }
    normalise(group);
    for (let i = 0; i < dimension; i++) sum[i]! += weight * group[i]!;
  }
  return Float32Array.from(normalise(sum));
};
