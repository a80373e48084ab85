import type { Knex } from '@agent-platform/infra';
import { createInProcessChunkVectors } from './inProcess.js';
import { createPgvectorChunkVectors } from './pgvector.js';
import type { ChunkVectors } from './port.js';

export type VectorSearchMode = 'auto' | 'pgvector' | 'in-process';

/** Whether this database can run `CREATE EXTENSION vector`: outside a transaction, so a refusal aborts nothing. */
const pgvectorAvailable = async (knex: Knex): Promise<{ ok: true } | { ok: false; reason: string }> => {
  try {
    await knex.raw('CREATE EXTENSION IF NOT EXISTS vector');
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
};

/**
 * The vector path of this process, chosen once at start (`AGENT_PLATFORM_VECTOR_SEARCH`): `pgvector` when
 * the extension can be created (`auto`, the default) and its HNSW indexes are built for the dimensions in
 * the table; otherwise `in-process`. `pgvector` asked for and missing stops start-up: a silent fall to the
 * other path would change the figures an operator planned for.
 */
export const chooseChunkVectors = async (
  knex: Knex,
  mode: VectorSearchMode,
  options: { maxVectors?: number } = {},
): Promise<{ vectors: ChunkVectors; reason?: string }> => {
  if (mode === 'in-process') return { vectors: createInProcessChunkVectors(knex, options) };
  const probe = await pgvectorAvailable(knex);
  if (!probe.ok) {
    if (mode === 'pgvector') throw new Error(`AGENT_PLATFORM_VECTOR_SEARCH=pgvector, but this database cannot create the extension: ${probe.reason}`);
    return { vectors: createInProcessChunkVectors(knex, options), reason: probe.reason };
  }
  const vectors = createPgvectorChunkVectors(knex);
  await vectors.ensure([]);
  return { vectors };
};
