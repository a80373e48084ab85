import { z } from 'zod';
import type { Embeddings } from '@agent-platform/infra';

/**
 * Which embedding a search's query was embedded with, in headers so the body stays the seed's array. With
 * `AGENT_PLATFORM_EMBEDDING_FALLBACK` on it may be the local fallback rather than the configured provider;
 * a query embedded by the fallback is compared only with vectors made the same way.
 */
export const EmbeddingUsedHeaders = z.object({
  'x-embedding-provider': z.string().describe('The provider that embedded the query: `openai-compatible`, or `local` (the default, or the fallback when the provider failed).'),
  'x-embedding-model': z.string().describe('The model that embedded the query.'),
});

export const embeddingHeadersOf = (embedded: Pick<Embeddings, 'provider' | 'model'>): z.infer<typeof EmbeddingUsedHeaders> => ({
  'x-embedding-provider': embedded.provider,
  'x-embedding-model': embedded.model,
});
