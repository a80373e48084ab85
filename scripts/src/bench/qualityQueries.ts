import type { Passage } from './qualityCorpus.js';
import { STOP_WORDS, SYNONYMS } from './qualityWords.js';

/** A known-item query: made from one sentence of `passageId`, as someone who half remembers it would type it. */
export type Query = { id: number; passageId: string; text: string };

/** The longest run of words a query may share, in order, with its passage: longer, and it is a quotation. */
export const VERBATIM_RUN = 4;
const ATTEMPTS = 50;

/** mulberry32: a small seeded generator, so the same seed gives the same queries on every machine. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const wordsOf = (text: string): string[] => text.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];

/** Whether `query` holds `run` consecutive words that also stand consecutively in `passage`. */
export const hasVerbatimRun = (query: string, passage: string, run = VERBATIM_RUN): boolean => {
  const runs = (words: string[]) => words.slice(0, Math.max(0, words.length - run + 1)).map((_, i) => words.slice(i, i + run).join(' '));
  const inPassage = new Set(runs(wordsOf(passage)));
  return runs(wordsOf(query)).some((r) => inPassage.has(r));
};

/** Another form of the word: plural ↔ singular, past ↔ present participle, as a query seldom uses the text's own. */
export const inflect = (word: string): string => {
  if (/ies$/.test(word)) return word.replace(/ies$/, 'y');
  if (/[^aeiou]y$/.test(word)) return word.replace(/y$/, 'ies');
  if (/ed$/.test(word) && word.length > 4) return word.replace(/ed$/, 'ing');
  if (/ing$/.test(word) && word.length > 5) return word.replace(/ing$/, 's');
  if (/[^s]s$/.test(word)) return word.slice(0, -1);
  return `${word}s`;
};

/** Two neighbouring letters inside the word swapped, the commonest typing slip. */
const typo = (word: string, random: () => number): string => {
  const i = 1 + Math.floor(random() * (word.length - 3));
  return word.slice(0, i) + word[i + 1]! + word[i]! + word.slice(i + 2);
};

const shuffle = <T>(items: readonly T[], random: () => number): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

const sentencesOf = (text: string): string[] => [...new Intl.Segmenter('en', { granularity: 'sentence' }).segment(text)].map((s) => s.segment);

/**
 * A query for `passage`: the content words of one of its sentences (one with at least six), of which
 * three to six are kept; each then has a chance of being swapped for a synonym (25 %) or put in another
 * form (25 %); the words are shuffled, and three queries in ten get a typo. Shuffles are tried again
 * until no run of VERBATIM_RUN words stands in the passage as it is; a query that cannot avoid one loses
 * its last word and is tried again (one of fewer words than the run always passes).
 */
export const queryFor = (passage: Passage, random: () => number): string => {
  const sentences = sentencesOf(passage.text).map((s) => [...new Set(wordsOf(s).filter((w) => !STOP_WORDS.has(w) && w.length > 2))]);
  const rich = sentences.filter((words) => words.length >= 6);
  const source = rich.length ? rich[Math.floor(random() * rich.length)]! : sentences.flat();
  let words = shuffle(source, random)
    .slice(0, 3 + Math.floor(random() * 4))
    .map((word) => {
      const roll = random();
      if (roll < 0.25 && SYNONYMS.has(word)) return SYNONYMS.get(word)!;
      return roll < 0.5 && !/^\d+$/.test(word) ? inflect(word) : word;
    });
  if (random() < 0.3) {
    const long = words.findIndex((w) => w.length >= 5 && !/\d/.test(w));
    if (long >= 0) words[long] = typo(words[long]!, random);
  }
  for (;;) {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const text = words.join(' ');
      if (!hasVerbatimRun(text, passage.text)) return text;
      words = shuffle(words, random);
    }
    words = words.slice(0, -1);
  }
};

/** `count` queries, each from a different passage drawn at random (seeded); ids count from 0, so half are even. */
export const buildQueries = (passages: readonly Passage[], count: number, seed: number): Query[] => {
  const random = seededRandom(seed);
  return shuffle(passages, random)
    .slice(0, count)
    .map((passage, id) => ({ id, passageId: passage.id, text: queryFor(passage, random) }));
};
