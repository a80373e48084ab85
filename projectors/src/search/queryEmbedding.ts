/** A query's embedding and the `<provider>/<model>` that made it: only vectors made by the same model are compared with it. */
export type QueryEmbedding = { vector: readonly number[]; model: string };
