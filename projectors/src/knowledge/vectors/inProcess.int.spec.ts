import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createKnex, eventStoreMigrations, migrateToLatest, type Knex } from '@agent-platform/infra';
import { describeOnEachPostgres } from '@agent-platform/infra/testing';
import { readModelMigrations } from '../../index.js';
import { saveDocumentChunks } from '../chunks.js';
import { knowledgeProjection } from '../module.js';
import { describeChunkVectorsContract } from './chunkVectors.contract.js';
import { createInProcessChunkVectors } from './inProcess.js';
import type { ChunkVectors } from './port.js';

const MODEL = 'local/in-process';

describeOnEachPostgres('in-process chunk vectors (no pgvector)', ({ db }) => {
  let knex: Knex | undefined;
  let vectors: ChunkVectors;
  before(async () => {
    knex = createKnex(db().url);
    await migrateToLatest(knex, [eventStoreMigrations, readModelMigrations([knowledgeProjection])]);
    vectors = createInProcessChunkVectors(knex);
  });
  after(async () => {
    await vectors?.close();
    await knex?.destroy();
  });

  describeChunkVectorsContract('in-process', { knex: () => knex!, vectors: () => vectors });

  const base = () => ({ workspaceId: `ws-${randomUUID()}`, knowledgeBaseId: randomUUID() });
  const save = (db: Knex, at: { workspaceId: string; knowledgeBaseId: string }, documentId: string, embedding: number[]) =>
    saveDocumentChunks(db, { ...at, documentId, revision: 1, title: 't', metadata: {}, embeddingModel: MODEL, chunks: [{ index: 0, text: 'x', headings: [], embedding }] });
  const search = (v: ChunkVectors, at: { workspaceId: string; knowledgeBaseId: string }) => v.search({ ...at, model: MODEL, vector: [1, 0, 0, 0], k: 10 });

  it('given a write in a transaction open while the base loads, and a later one committed before, when the first commits, then the next search finds it', async () => {
    const at = base();
    const late = randomUUID();
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    let written!: () => void;
    const inTransaction = new Promise<void>((resolve) => (written = resolve));
    const open = knex!.transaction(async (trx) => {
      await save(trx, at, late, [0.9, 0.1, 0, 0]);
      written();
      await committed;
    });
    await inTransaction;
    // A younger transaction commits first: the load's snapshot lists the open one as in progress below its xmax.
    await save(knex!, at, randomUUID(), [1, 0, 0, 0]);
    expect(await search(vectors, at)).to.have.length(1); // loaded while the first write is in flight: not seen yet
    commit();
    await open;
    expect((await search(vectors, at)).map((h) => h.id)).to.include(`${late}:0`);
  });

  it('given a write by another process, when searched, then it is found without any signal to this one', async () => {
    const at = base();
    await save(knex!, at, randomUUID(), [1, 0, 0, 0]);
    expect(await search(vectors, at)).to.have.length(1);
    const other = createKnex(db().url);
    try {
      await save(other, at, randomUUID(), [0, 1, 0, 0]);
    } finally {
      await other.destroy();
    }
    expect(await search(vectors, at)).to.have.length(2);
  });

  it('given more vectors than its budget, when another base is searched, then the least recently searched is dropped and loads again when searched', async () => {
    const small = createInProcessChunkVectors(knex!, { maxVectors: 3 });
    try {
      const [a, b] = [base(), base()];
      for (let i = 0; i < 2; i++) await save(knex!, a, randomUUID(), [1, i, 0, 0]);
      for (let i = 0; i < 2; i++) await save(knex!, b, randomUUID(), [0, 1, i, 0]);
      expect(await search(small, a)).to.have.length(2);
      expect(await search(small, b)).to.have.length(2);
      expect(await small.describe()).to.deep.include({ path: 'in-process', loaded_bases: 1, vectors: 2, max_vectors: 3 });
      await save(knex!, a, randomUUID(), [1, 1, 1, 0]);
      expect(await search(small, a)).to.have.length(3);
    } finally {
      await small.close();
    }
  });
});
