import type { EmbeddingProvider } from '../port.js';
import { DEFAULT_EMBEDDING_DIMENSION, LOCAL_EMBEDDING_MODEL, localEmbedding } from './localEmbedding.js';

export type LocalEmbeddingOptions = { dimension?: number };

/** Some 40 ms of work on ordinary text: a batch yields to the event loop this often (run leases renew on timers). */
const YIELD_EVERY_CHARS = 128 * 1024;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The embedding of `npm start` and of the tests: no key, no network, the same vector for the same text on
 * every machine (see localEmbedding.ts). It is computed in this process, so a large batch pauses now and
 * then to let timers and I/O run, and an abort is noticed between texts.
 */
export const createLocalEmbeddingProvider = (options: LocalEmbeddingOptions = {}): EmbeddingProvider => {
  const dimension = options.dimension ?? DEFAULT_EMBEDDING_DIMENSION;
  return {
    name: 'local',
    model: LOCAL_EMBEDDING_MODEL,
    dimension,
    embed: async (texts, call) => {
      const vectors: Float32Array[] = [];
      let sinceYield = 0;
      for (const text of texts) {
        call?.signal?.throwIfAborted();
        vectors.push(localEmbedding(text, dimension));
        sinceYield += text.length;
        if (sinceYield >= YIELD_EVERY_CHARS) {
          sinceYield = 0;
          await yieldToEventLoop();
        }
      }
      call?.signal?.throwIfAborted();
      return { vectors, provider: 'local', model: LOCAL_EMBEDDING_MODEL };
    },
  };
};
