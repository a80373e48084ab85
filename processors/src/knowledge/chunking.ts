import { sectionsOf, type SourceType } from './sections.js';

export type ChunkingOptions = {
  /** Most characters in a chunk; a sentence longer than that is cut between words. */
  chunkSize: number;
  /** Characters of whole sentences a chunk repeats from the end of the one before it, in the same section. */
  chunkOverlap: number;
  /** The language sentences are split by (`Intl.Segmenter`). */
  locale?: string;
};

/** A piece of a document as it is embedded and searched: its text and the headings it sits under. */
export type Chunk = { index: number; text: string; headings: string[] };

/**
 * V8's `Intl.Segmenter` copies its whole input for every segment it yields, so segmenting a long text at
 * once is quadratic (a 3 MB document ran out of a 4 GB heap): a section is segmented in windows of about
 * this many characters, each cut where a sentence ends.
 */
export const SEGMENT_WINDOW = 4096;

/** Where to end the window that starts at `from`: after its last line break, else sentence end, else space, in its second half. */
const windowEnd = (text: string, from: number): number => {
  const end = from + SEGMENT_WINDOW;
  if (end >= text.length) return text.length;
  const window = text.slice(from, end);
  const half = SEGMENT_WINDOW / 2;
  const line = window.lastIndexOf('\n');
  if (line >= half) return from + line + 1;
  const stop = Math.max(...['. ', '! ', '? ', '。'].map((mark) => window.lastIndexOf(mark)));
  if (stop >= half) return from + stop + 1;
  const space = window.lastIndexOf(' ');
  if (space >= half) return from + space + 1;
  // Never between the two halves of a surrogate pair.
  return /[\uD800-\uDBFF]/.test(text[end - 1] ?? '') ? end - 1 : end;
};

/** Sentences, with the whitespace after each, so joining them gives the text back. */
const sentencesOf = (text: string, locale: string): string[] => {
  const segmenter = new Intl.Segmenter(locale, { granularity: 'sentence' });
  const sentences: string[] = [];
  for (let from = 0; from < text.length; ) {
    const to = windowEnd(text, from);
    for (const { segment } of segmenter.segment(text.slice(from, to))) if (segment.trim()) sentences.push(segment);
    from = to;
  }
  return sentences;
};

/** A sentence longer than a chunk, in pieces cut at the last space before the limit (or at the limit, in a text without spaces). */
const piecesOf = (sentence: string, size: number): string[] => {
  const pieces: string[] = [];
  let rest = sentence;
  while (rest.length > size) {
    const space = rest.lastIndexOf(' ', size);
    let cut = space > size / 2 ? space + 1 : size;
    // Never between the two halves of a surrogate pair.
    if (/[\uD800-\uDBFF]/.test(rest[cut - 1] ?? '')) cut--;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.trim()) pieces.push(rest);
  return pieces;
};

/**
 * Cuts a document into chunks that respect its structure: a chunk never spans two sections (headings),
 * and is cut between sentences, packing as many whole sentences as fit in `chunkSize`. Each chunk after
 * the first of a section starts with the last sentences of the one before, up to `chunkOverlap`
 * characters, so a fact split across the cut is found from either side.
 */
export const chunkDocument = (content: string, sourceType: SourceType, options: ChunkingOptions): Chunk[] => {
  const size = Math.max(1, options.chunkSize);
  const overlap = Math.min(Math.max(0, options.chunkOverlap), Math.floor(size / 2));
  const chunks: Chunk[] = [];
  for (const section of sectionsOf(content, sourceType)) {
    const units = sentencesOf(section.text, options.locale ?? 'en').flatMap((s) => piecesOf(s, size));
    let current: string[] = [];
    let length = 0;
    /** Whether `current` holds more than the sentences carried over from the chunk before. */
    let fresh = false;
    const emit = () => {
      const text = current.join('').trim();
      if (text && fresh) chunks.push({ index: chunks.length, text, headings: section.headings });
      // What the next chunk starts with: the last whole sentences that fit in the overlap.
      const carried: string[] = [];
      let carriedLength = 0;
      for (let i = current.length - 1; i >= 0; i--) {
        const unit = current[i]!;
        if (carriedLength + unit.length > overlap) break;
        carried.unshift(unit);
        carriedLength += unit.length;
      }
      current = carried;
      length = carriedLength;
      fresh = false;
    };
    for (const unit of units) {
      if (length + unit.length > size && fresh) emit();
      // A carried overlap that leaves no room for the next sentence gives way to it.
      while (length + unit.length > size && current.length) length -= current.shift()!.length;
      current.push(unit);
      length += unit.length;
      fresh = true;
    }
    emit();
  }
  return chunks;
};
