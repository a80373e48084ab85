/** The combining accents Latin, Greek and Cyrillic letters decompose into (é = e + U+0301). */
const ACCENTS = /[\u0300-\u036f]/g;

/**
 * Text as the local embedding compares it: compatibility forms folded (NFKC: full-width `Ｒ` is `R`, `ﬁ`
 * is `fi`), lower case, accents dropped (`Café` is `cafe`). Only the accents above are dropped: the marks
 * of other scripts (Devanagari vowel signs, Japanese voicing marks) are part of their letters. NFC at the
 * end recomposes what NFD took apart, Hangul syllables among it.
 */
export const normaliseText = (text: string): string =>
  text.normalize('NFKC').toLowerCase().normalize('NFD').replace(ACCENTS, '').normalize('NFC');

const UNSPACED = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}';
/**
 * A word is a run of letters, digits and marks; everything else (punctuation, symbols, spaces) only
 * separates words. Chinese and Japanese put no spaces between words, so each of their characters is a
 * word of its own, and the word pairs then are character pairs, the usual unit of CJK retrieval.
 */
const WORD = new RegExp(`[${UNSPACED}]|(?:(?![${UNSPACED}])[\\p{L}\\p{N}\\p{M}])+`, 'gu');

/** The words of a normalised text, in order. */
export const wordsOf = (normalised: string): string[] => normalised.match(WORD) ?? [];
