/*
 * The embeddings port: texts in, one vector per text out. Retrieval (memories, knowledge chunks) stores
 * these vectors and compares them by cosine, so the port promises what makes that safe and cheap.
 */

export type EmbedOptions = { signal?: AbortSignal };

/**
 * `vectors` are `Float32Array`s: 4 bytes a dimension instead of a boxed 8-byte number, the precision of
 * pgvector's `vector` and PostgreSQL's `real[]`, and the type an in-process index scans fastest (see
 * ARCHITECTURE.md). Use `Array.from(vector)` to put one in JSON or SQL parameters: `JSON.stringify` of a
 * typed array gives an object, not an array.
 */
export type Embeddings = {
  /** One per text, in the order given; each has `dimension` entries and length 1 (or is all zeros, see below). */
  vectors: Float32Array[];
  /** The `name` of the provider that computed these vectors: with a fallback, not always the one configured. */
  provider: string;
  model: string;
};

/**
 * What the platform needs from an embedding model. Every vector has length 1, so a dot product is the
 * cosine; the one exception is a text with nothing to embed (no letter or digit, for the local model),
 * which gets the zero vector: similar to nothing.
 *
 * Vectors are comparable only when `provider`, `model` and `dimension` are all the same: store the three
 * with every vector, and compare a query only with vectors made like it (two models of the same dimension
 * still give unrelated vectors). Adapters throw `ProviderError` for every failure of the provider; a
 * caller's abort rejects with the abort, never as a `ProviderError`.
 */
export type EmbeddingProvider = {
  /** `local` or `openai-compatible`; reported and stored, never branched on. */
  readonly name: string;
  readonly model: string;
  readonly dimension: number;
  embed: (texts: readonly string[], options?: EmbedOptions) => Promise<Embeddings>;
};

/**
 * The key of vectors that may be compared with each other: the provider and model that made them. Stored
 * beside each vector and matched against a query's, so one spelling is needed wherever either is written.
 */
export const embeddingModelOf = ({ provider, model }: { provider: string; model: string }): string => `${provider}/${model}`;

/** The provider and model back from `embeddingModelOf`'s key: a provider's name has no `/` (a model's may: `nomic-ai/nomic-embed-text`). */
export const embeddingUsedOf = (key: string): { provider: string; model: string } => {
  const slash = key.indexOf('/');
  return { provider: key.slice(0, slash), model: key.slice(slash + 1) };
};

/** A search's query embedded, keyed as stored vectors are (`model`), with what computed it (`embedded`, for the response's headers). */
export const embedQuery = async (provider: EmbeddingProvider, text: string, options?: EmbedOptions) => {
  const embedded = await provider.embed([text], options);
  return { embedded, query: { vector: Array.from(embedded.vectors[0]!), model: embeddingModelOf(embedded) } };
};
