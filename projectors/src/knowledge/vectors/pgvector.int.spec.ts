import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { startPgliteDatabase, type PgliteDatabase } from '../../testing/pglite.js';
import { saveDocumentChunks } from '../chunks.js';
import { createPgvectorChunkVectors } from './pgvector.js';

const unit = (v: number[]): number[] => {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};

describe('pgvector chunk vectors on PGlite', function () {
  this.timeout(60_000);
  let database: PgliteDatabase;
  before(async () => {
    database = await startPgliteDatabase();
  });
  after(async () => database?.stop());

  it('given chunks of a base, when searched, then the nearest by cosine come first and only that base and model', async () => {
    const vectors = createPgvectorChunkVectors(database.knex);
    await vectors.ensure([3]);
    const workspaceId = 'ws-a';
    const knowledgeBaseId = randomUUID();
    const documentId = randomUUID();
    const embeddings = [unit([1, 0, 0]), unit([1, 1, 0]), unit([0, 1, 0]), unit([0, 0, 1])];
    await saveDocumentChunks(database.knex, {
      workspaceId, knowledgeBaseId, documentId, revision: 1, title: 't', metadata: {}, embeddingModel: 'local/x',
      chunks: embeddings.map((embedding, index) => ({ index, text: `chunk ${index}`, headings: [], embedding })),
    });
    const hits = await vectors.search({ workspaceId, knowledgeBaseId, model: 'local/x', vector: unit([1, 0.1, 0]), k: 2 });
    expect(hits.map((hit) => hit.id)).to.deep.equal([`${documentId}:0`, `${documentId}:1`]);
    expect(await vectors.search({ workspaceId: 'ws-b', knowledgeBaseId, model: 'local/x', vector: unit([1, 0, 0]), k: 2 })).to.deep.equal([]);
    expect(await vectors.search({ workspaceId, knowledgeBaseId, model: 'local/y', vector: unit([1, 0, 0]), k: 2 })).to.deep.equal([]);
    expect(await vectors.describe()).to.include({ path: 'pgvector' });
  });
});
