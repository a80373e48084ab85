import OpenAI from 'openai';
import { ProviderError } from '../../models/errors.js';
import { providerFailure } from '../../models/openai/failures.js';
import type { EmbeddingProvider } from '../port.js';
import { vectorsOf } from './vectors.js';

export type HttpEmbeddingOptions = {
  /** The API root, `/v1` included: `https://api.openai.com/v1`, `http://localhost:11434/v1` (Ollama), … */
  baseURL: string;
  /** Unset for servers without keys; the client then sends a placeholder. */
  apiKey?: string;
  model: string;
  /** The length every vector must have. */
  dimension: number;
  /** Ask the server for `dimension` (OpenAI's `dimensions`, for models that can shorten their vectors); off for models of a fixed size. */
  requestDimension: boolean;
  /** Texts per request; more are sent in several requests, one after the other. */
  batchSize: number;
  /** Per attempt, until the response starts (the client's timeout). */
  timeoutMs: number;
  maxRetries: number;
};

/** The official client refuses to start without a key; keyless servers ignore whatever is sent. */
const NO_KEY = 'no-key';

/**
 * Embeddings from any OpenAI-compatible `/embeddings` (OpenAI, Ollama, vLLM, LiteLLM, TEI, …) through the
 * official `openai` client. As for chat, the client retries 408, 409, 429, 5xx and connection failures
 * itself, `maxRetries` times per request, with exponential backoff or the server's `retry-after`, and
 * abandons an attempt after `timeoutMs`. Texts go in batches of `batchSize`, one batch at a time (kind to
 * rate limits); a batch that fails after its retries fails the whole call, never a part. Vectors are asked for
 * as JSON floats: the client's default, base64, is decoded as such even from a server that ignores the
 * request and sends floats, and not every OpenAI-compatible server knows base64.
 */
export const createHttpEmbeddingProvider = (options: HttpEmbeddingOptions): EmbeddingProvider => {
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey ?? NO_KEY,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
  });
  const { model, dimension } = options;
  const embedBatch = async (input: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> => {
    const body = { model, input, encoding_format: 'float' as const, ...(options.requestDimension ? { dimensions: dimension } : {}) };
    return vectorsOf(await client.embeddings.create(body, { signal }), { count: input.length, dimension, model });
  };

  return {
    name: 'openai-compatible',
    model,
    dimension,
    embed: async (texts, call) => {
      const vectors: Float32Array[] = [];
      try {
        for (let start = 0; start < texts.length; start += options.batchSize) {
          vectors.push(...(await embedBatch(texts.slice(start, start + options.batchSize), call?.signal)));
        }
      } catch (error) {
        throw error instanceof ProviderError ? error : providerFailure(error, options.apiKey, 'the embedding provider');
      }
      // The configured model, not the one the server names: stored vectors are told apart by configuration.
      return { vectors, provider: 'openai-compatible', model };
    },
  };
};
