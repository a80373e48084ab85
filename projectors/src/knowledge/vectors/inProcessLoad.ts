import type { Knex } from '@agent-platform/infra';
import { KNOWLEDGE_CHUNK_CHANGES, KNOWLEDGE_CHUNKS } from '../schema.js';

/** What an in-process partition holds: one workspace's base, one embedding model, one dimension. */
export type PartitionKey = { workspaceId: string; knowledgeBaseId: string; model: string; dimension: number };

export type LoadedChunk = { id: string; documentId: string; metadata: Record<string, unknown>; embedding: Float32Array };

/** Documents a load asks for at once: a few thousand rows, whatever the documents' sizes. */
const DOCUMENTS_PER_PAGE = 200;

/**
 * `array_send(real[])`: a 20-byte header (dimensions, null flag, element type, length, lower bound),
 * then per element its length (4) and the float, big-endian. A twentieth of the text form's parse time.
 */
const decodeRealArray = (bytes: Buffer, dimension: number): Float32Array => {
  const out = new Float32Array(dimension);
  for (let i = 0, offset = 24; i < dimension; i++, offset += 8) out[i] = bytes.readFloatBE(offset);
  return out;
};

const inPartition = (q: Knex.QueryBuilder, key: PartitionKey) =>
  q
    .where({ workspace_id: key.workspaceId, knowledge_base_id: key.knowledgeBaseId, embedding_model: key.model })
    .whereRaw('array_length(embedding, 1) = ?', [key.dimension]);

/** The snapshot the statement ran under, as text: what a partition loaded under it has seen. */
const SNAPSHOT = 'pg_current_snapshot()::text AS snapshot';

/** The documents of the partition, under the transaction's snapshot. */
export const partitionDocuments = async (trx: Knex.Transaction, key: PartitionKey): Promise<{ snapshot: string; documents: string[] }> => {
  const [{ snapshot }] = (await trx.raw(`SELECT ${SNAPSHOT}`)).rows;
  const rows = (await inPartition(trx(KNOWLEDGE_CHUNKS), key).distinct('document_id')) as { document_id: string }[];
  return { snapshot, documents: rows.map((r) => r.document_id) };
};

/** The partition's chunks of these documents, page after page in the same transaction (one snapshot). */
export const loadChunks = async (trx: Knex.Transaction, key: PartitionKey, documents: readonly string[]): Promise<LoadedChunk[]> => {
  const chunks: LoadedChunk[] = [];
  for (let i = 0; i < documents.length; i += DOCUMENTS_PER_PAGE) {
    const rows = (await inPartition(trx(KNOWLEDGE_CHUNKS), key)
      .whereIn('document_id', documents.slice(i, i + DOCUMENTS_PER_PAGE))
      .select('id', 'document_id', 'metadata_json', trx.raw('array_send(embedding) AS embedding'))) as {
      id: string;
      document_id: string;
      metadata_json: Record<string, unknown>;
      embedding: Buffer;
    }[];
    for (const row of rows) chunks.push({ id: row.id, documentId: row.document_id, metadata: row.metadata_json, embedding: decodeRealArray(row.embedding, key.dimension) });
  }
  return chunks;
};

/**
 * The base's documents whose chunks changed in transactions `seen` did not see, and the snapshot this
 * question was answered under. One statement, so both come from the same snapshot; every xid below the
 * old snapshot's xmin was visible to it, so the index on `changed_xid` narrows the rows read.
 */
export const changedSince = async (db: Knex | Knex.Transaction, key: PartitionKey, seen: string): Promise<{ snapshot: string; documents: string[] }> => {
  const [row] = (
    await db.raw(
      `SELECT ${SNAPSHOT}, ARRAY(
         SELECT document_id::text FROM ${KNOWLEDGE_CHUNK_CHANGES}
         WHERE workspace_id = ? AND knowledge_base_id = ? AND changed_xid >= pg_snapshot_xmin(?::pg_snapshot)
           AND NOT pg_visible_in_snapshot(changed_xid, ?::pg_snapshot)) AS documents`,
      [key.workspaceId, key.knowledgeBaseId, seen, seen],
    )
  ).rows;
  return { snapshot: row.snapshot, documents: row.documents };
};
