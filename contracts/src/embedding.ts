import { z } from 'zod';

/** The embedding that actually made a vector (a document's chunks, a memory): with a fallback, not always the one configured. */
export const EmbeddingUsed = z.object({ provider: z.string(), model: z.string() });
export type EmbeddingUsed = z.infer<typeof EmbeddingUsed>;
