import { createRequire } from 'node:module';

type Task = (input: never) => unknown;
type WinkBm25 = {
  defineConfig: (config: { fldWeights: Record<string, number>; bm25Params: { k1: number; b: number; k: number } }) => void;
  definePrepTasks: (tasks: Task[]) => void;
  addDoc: (doc: Record<string, string>, id: string) => void;
  consolidate: () => void;
  search: (text: string, limit: number) => [string, number][];
};
type WinkUtils = {
  string: { lowerCase: Task; tokenize0: Task };
  tokens: { removeWords: Task; stem: Task };
};

// Both packages are CommonJS without types; these are the few functions used.
const require = createRequire(import.meta.url);
const newBm25 = require('wink-bm25-text-search') as () => WinkBm25;
const nlp = require('wink-nlp-utils') as WinkUtils;

export type Bm25Document = { id: string; text: string };
export type Bm25Ranking = (query: string, limit: number) => string[];

/**
 * A plain Okapi BM25 ranking (k1 1.2, b 0.75, idf ln(1 + (N − n + 0.5) / (n + 0.5))) that shares no
 * code with the platform's: wink-bm25-text-search over lower-cased words without stop words, stemmed
 * by Porter2 (the Snowball English stemmer PostgreSQL's `english` configuration uses too). A word
 * said twice in a query counts once, as in the platform's keyword side: the last task keeps each
 * query stem once, and only queries pass through it once the index is consolidated.
 */
export const bm25Ranking = (documents: readonly Bm25Document[]): Bm25Ranking => {
  const engine = newBm25();
  engine.defineConfig({ fldWeights: { text: 1 }, bm25Params: { k1: 1.2, b: 0.75, k: 1 } });
  let searching = false;
  const onceInQueries = (tokens: string[]) => (searching ? [...new Set(tokens)] : tokens);
  engine.definePrepTasks([nlp.string.lowerCase, nlp.string.tokenize0, nlp.tokens.removeWords, nlp.tokens.stem, onceInQueries as Task]);
  for (const document of documents) engine.addDoc({ text: document.text }, document.id);
  engine.consolidate();
  searching = true;
  return (query, limit) => engine.search(query, limit).map(([id]) => id);
};
