import { ConfigError } from '../errors.js';
import type { Logger } from '../logging.js';
import { ProviderError } from '../models/errors.js';
import { repeatedLog } from '../repeatedLog.js';
import type { EmbeddingProvider } from './port.js';

export type EmbeddingFallbackOptions = { logEveryMs?: number; now?: () => number };

/**
 * `primary`, or `fallback` for a call that `primary` fails (any `ProviderError`: down, rate-limited past
 * its retries, misconfigured). The whole call falls back, so one result never mixes the two, and its
 * `provider` says which answered: store it with the vectors, because the two models' vectors are not
 * comparable with each other even at the same dimension; a caller that indexed with the fallback should
 * re-embed later. Of different dimensions they could not even be stored in one column, so that is refused
 * at start-up. A caller's abort is passed on, not answered by the fallback. Failures are logged once per
 * window (repeatedLog), not once per call.
 */
export const withEmbeddingFallback = (
  primary: EmbeddingProvider,
  fallback: EmbeddingProvider,
  log: Logger,
  options: EmbeddingFallbackOptions = {},
): EmbeddingProvider => {
  if (primary.dimension !== fallback.dimension) {
    throw new ConfigError(
      `invalid configuration: AGENT_PLATFORM_EMBEDDING_FALLBACK: the fallback ${fallback.model} has ${fallback.dimension} dimensions and ${primary.model} ${primary.dimension}; a fallback must have the same dimension`,
    );
  }
  const failed = repeatedLog(log, 'warn', `the embedding provider failed: ${fallback.name} embeddings (${fallback.model}) answered instead`, {
    ...(options.logEveryMs !== undefined ? { everyMs: options.logEveryMs } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    name: primary.name,
    model: primary.model,
    dimension: primary.dimension,
    embed: async (texts, call) => {
      try {
        return await primary.embed(texts, call);
      } catch (error) {
        if (!(error instanceof ProviderError) || call?.signal?.aborted) throw error;
        failed({ provider: primary.name, model: primary.model, code: error.code, status: error.status, error: error.message });
        return fallback.embed(texts, call);
      }
    },
  };
};
