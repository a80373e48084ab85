import type { Config } from '../config.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logging.js';
import { withEmbeddingFallback } from './fallback.js';
import { createHttpEmbeddingProvider } from './http/httpEmbeddings.js';
import { DEFAULT_EMBEDDING_DIMENSION } from './local/localEmbedding.js';
import { createLocalEmbeddingProvider } from './local/localProvider.js';
import type { EmbeddingProvider } from './port.js';

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export type EmbeddingProviderConfig = Pick<
  Config,
  | 'AGENT_PLATFORM_EMBEDDING_PROVIDER'
  | 'AGENT_PLATFORM_EMBEDDING_BASE_URL'
  | 'AGENT_PLATFORM_EMBEDDING_API_KEY'
  | 'AGENT_PLATFORM_EMBEDDING_MODEL'
  | 'AGENT_PLATFORM_EMBEDDING_DIMENSION'
  | 'AGENT_PLATFORM_EMBEDDING_BATCH_SIZE'
  | 'AGENT_PLATFORM_EMBEDDING_TIMEOUT_MS'
  | 'AGENT_PLATFORM_EMBEDDING_MAX_RETRIES'
  | 'AGENT_PLATFORM_EMBEDDING_FALLBACK'
>;

/**
 * The embeddings the configuration asks for: the local embedding by default, or an OpenAI-compatible
 * server (`http`), wrapped in the local fallback when `AGENT_PLATFORM_EMBEDDING_FALLBACK=true`; the
 * fallback computes its vectors at the server's dimension. `log` hears the fallback's failures only.
 */
export const createEmbeddingProvider = (config: EmbeddingProviderConfig, log: Logger): EmbeddingProvider => {
  const dimension = config.AGENT_PLATFORM_EMBEDDING_DIMENSION ?? DEFAULT_EMBEDDING_DIMENSION;
  const local = createLocalEmbeddingProvider({ dimension });
  if (config.AGENT_PLATFORM_EMBEDDING_PROVIDER === 'local') return local;
  const { AGENT_PLATFORM_EMBEDDING_API_KEY: apiKey, AGENT_PLATFORM_EMBEDDING_MODEL: model } = config;
  // loadConfig requires a model with http; a configuration put together otherwise fails here, not at the first call.
  if (!model) throw new ConfigError('invalid configuration: AGENT_PLATFORM_EMBEDDING_MODEL: is required when AGENT_PLATFORM_EMBEDDING_PROVIDER=http');
  const http = createHttpEmbeddingProvider({
    baseURL: config.AGENT_PLATFORM_EMBEDDING_BASE_URL ?? OPENAI_BASE_URL,
    ...(apiKey ? { apiKey } : {}),
    model,
    dimension,
    requestDimension: config.AGENT_PLATFORM_EMBEDDING_DIMENSION !== undefined,
    batchSize: config.AGENT_PLATFORM_EMBEDDING_BATCH_SIZE,
    timeoutMs: config.AGENT_PLATFORM_EMBEDDING_TIMEOUT_MS,
    maxRetries: config.AGENT_PLATFORM_EMBEDDING_MAX_RETRIES,
  });
  return config.AGENT_PLATFORM_EMBEDDING_FALLBACK ? withEmbeddingFallback(http, local, log) : http;
};
