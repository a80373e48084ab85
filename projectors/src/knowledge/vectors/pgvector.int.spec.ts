import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createLocalEmbeddingProvider, embeddingModelOf } from '@agent-platform/infra';
import { saveDocumentChunks } from '../chunks.js';
import { KNOWLEDGE_DOCUMENTS } from '../schema.js';
import { searchKnowledge } from '../search.js';
import { startPgliteDatabase, type PgliteDatabase } from '../../testing/pglite.js';
import { describeChunkVectorsContract } from './chunkVectors.contract.js';
import { createPgvectorChunkVectors } from './pgvector.js';

describe('pgvector chunk vectors on PGlite', function () {
  this.timeout(60_000);
  let database: PgliteDatabase;
  let vectors: ReturnType<typeof createPgvectorChunkVectors>;
  before(async () => {
    database = await startPgliteDatabase();
    vectors = createPgvectorChunkVectors(database.knex);
    await vectors.ensure([8]);
  });
  after(async () => database?.stop());

  describeChunkVectorsContract('pgvector (HNSW)', { knex: () => database.knex, vectors: () => vectors });

  it("given the seed's documents, when knowledge search runs through pgvector, then the refund policy comes first", async () => {
    const embeddings = createLocalEmbeddingProvider();
    const model = embeddingModelOf({ provider: embeddings.name, model: embeddings.model });
    const at = { workspaceId: 'ws-seed', knowledgeBaseId: randomUUID() };
    for (const [title, text] of [
      ['Refund Policy', 'Refunds are available within seven days for eligible orders.'],
      ['Shipping', 'Orders ship within two business days.'],
    ] as const) {
      const documentId = randomUUID();
      await database.knex(KNOWLEDGE_DOCUMENTS).insert({ id: documentId, workspace_id: at.workspaceId, knowledge_base_id: at.knowledgeBaseId, title, source_type: 'text', metadata_json: '{}', status: 'indexed', revision: 1, created_time: new Date(), updated_time: new Date() });
      const embedding = Array.from((await embeddings.embed([text])).vectors[0]!);
      await saveDocumentChunks(database.knex, { ...at, documentId, revision: 1, title, metadata: {}, embeddingModel: model, chunks: [{ index: 0, text, headings: [], embedding }] });
    }
    const query = 'refund within seven days';
    const hits = await searchKnowledge({ knex: database.knex, vectors }, at.workspaceId, { knowledge_base_id: at.knowledgeBaseId, query, top_k: 3 }, { vector: Array.from((await embeddings.embed([query])).vectors[0]!), model });
    expect(hits[0]).to.deep.include({ document_title: 'Refund Policy' });
    expect(hits[0]!.vector_score).to.be.greaterThan(hits[1]?.vector_score ?? 0);
  });

  describe('after the contract, over its rows', () => {
  it('reports its path, the pgvector version and the dimensions it indexed: 8 at start, 384 when first searched', async () => {
    expect(await vectors.describe()).to.deep.include({ path: 'pgvector', indexed_dimensions: [8, 384], iterative_scan: 'relaxed_order' });
    expect((await vectors.describe()).pgvector_version).to.match(/^0\.\d+\.\d+$/);
  });

  it('ranks through the HNSW index: the planner uses the partial expression index', async () => {
    await database.knex.raw('ANALYZE rm_knowledge_chunks');
    const literal = `[${Array(8).fill(0.35355339).join(',')}]`;
    const plan = await database.knex.raw(
      `EXPLAIN SELECT id FROM rm_knowledge_chunks WHERE array_length(embedding, 1) = 8 ORDER BY (embedding::vector(8)) <=> ?::vector(8) LIMIT 5`,
      [literal],
    );
    expect(JSON.stringify(plan.rows)).to.include('rm_knowledge_chunks_hnsw_8');
  });
  });
});
