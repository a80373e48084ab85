import { expect } from 'chai';
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

  describe('after the contract, over its rows', () => {
  it('reports its path, the pgvector version and the dimensions it indexed', async () => {
    expect(await vectors.describe()).to.deep.include({ path: 'pgvector', indexed_dimensions: [8], iterative_scan: 'relaxed_order' });
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
