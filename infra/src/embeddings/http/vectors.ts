import { z } from 'zod';
import { ProviderError } from '../../models/errors.js';

/** The part of OpenAI's embeddings response the platform reads; `z.number()` refuses NaN and infinities. */
const EmbeddingsResponse = z.object({
  data: z.array(z.object({ index: z.number().int().min(0), embedding: z.array(z.number()) })),
});

const badResponse = (message: string) => new ProviderError('PROVIDER_BAD_RESPONSE', `the embedding provider's answer ${message}`, 'unavailable');

/**
 * The vectors of one batch's response, each at its `index` (the order the texts were sent in), checked
 * and scaled to length 1: servers that do not normalise (some local ones) then compare like OpenAI's. A
 * vector of another length than `dimension` is a configuration error, and named as one.
 */
export const vectorsOf = (response: unknown, expected: { count: number; dimension: number; model: string }): Float32Array[] => {
  const parsed = EmbeddingsResponse.safeParse(response);
  if (!parsed.success) throw badResponse(`could not be read: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  const { data } = parsed.data;
  if (data.length !== expected.count) throw badResponse(`has ${data.length} embeddings for ${expected.count} texts`);
  const vectors: Float32Array[] = [];
  for (const { index, embedding } of data) {
    if (index >= expected.count || vectors[index]) throw badResponse(`has index ${index} out of place`);
    if (embedding.length !== expected.dimension) {
      throw new ProviderError(
        'EMBEDDING_DIMENSION_MISMATCH',
        `the embedding model ${expected.model} answered vectors of ${embedding.length} dimensions, but AGENT_PLATFORM_EMBEDDING_DIMENSION is ${expected.dimension}: set it to the model's dimension`,
        'unprocessable',
      );
    }
    const norm = Math.sqrt(embedding.reduce((sum, x) => sum + x * x, 0));
    vectors[index] = Float32Array.from(embedding, (x) => (norm > 0 ? x / norm : 0));
  }
  return vectors;
};
