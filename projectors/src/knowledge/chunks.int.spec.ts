import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { RecordedEvent } from '@agent-platform/contracts';
import { createKnex, createLocalEmbeddingProvider, embeddingModelOf, eventStoreMigrations, migrateToLatest, type Knex } from '@agent-platform/infra';
import { describeOnEachPostgres } from '@agent-platform/infra/testing';
import { readModelMigrations } from '../index.js';
import { deleteDocumentChunks, saveDocumentChunks, type DocumentChunks } from './chunks.js';
import { knowledgeProjection } from './module.js';
import { knowledgeProjector } from './projector.js';
import { KNOWLEDGE_CHUNKS, KNOWLEDGE_DOCUMENTS } from './schema.js';
import { documentTitles, findChunks } from './reader.js';
import { searchKnowledge } from './search.js';
import { createInProcessChunkVectors } from './vectors/inProcess.js';

const embeddings = createLocalEmbeddingProvider();
const MODEL = embeddingModelOf({ provider: embeddings.name, model: embeddings.model });
const vectorOf = async (text: string) => Array.from((await embeddings.embed([text])).vectors[0]!);

describeOnEachPostgres('knowledge chunks: the indexer’s writes and the search over them', ({ db }) => {
  let knex: Knex | undefined;
  const sql = () => knex!;
  const reader = () => ({ knex: knex!, vectors: createInProcessChunkVectors(knex!) });
  const base = randomUUID();
  before(async () => {
    knex = createKnex(db().url);
    await migrateToLatest(knex, [eventStoreMigrations, readModelMigrations([knowledgeProjection])]);
  });
  after(async () => knex?.destroy());

  /** A document of one chunk per text, as the indexer saves it, and its row, as the projection writes it. */
  const saved = async (texts: string[], options: { workspace?: string; revision?: number; metadata?: Record<string, unknown>; id?: string; title?: string } = {}) => {
    const documentId = options.id ?? randomUUID();
    const workspaceId = options.workspace ?? 'ws-1';
    const document: DocumentChunks = {
      workspaceId,
      knowledgeBaseId: base,
      documentId,
      revision: options.revision ?? 1,
      title: options.title ?? 'Doc',
      metadata: options.metadata ?? {},
      embeddingModel: MODEL,
      chunks: await Promise.all(texts.map(async (text, index) => ({ index, text, headings: [], embedding: await vectorOf(text) }))),
    };
    // The document's row, as the projection of its DocumentAdded writes it: search reads its title from there.
    await sql()(KNOWLEDGE_DOCUMENTS)
      .insert({ id: documentId, workspace_id: workspaceId, knowledge_base_id: base, title: document.title, source_type: 'text', metadata_json: JSON.stringify(document.metadata), status: 'indexed', revision: document.revision, created_time: new Date(), updated_time: new Date() })
      .onConflict('id')
      .ignore();
    return { documentId, result: await saveDocumentChunks(sql(), document) };
  };
  const texts = async (documentId: string) => (await sql()(KNOWLEDGE_CHUNKS).where({ document_id: documentId }).orderBy('chunk_index')).map((r) => r.content_text);

  it("replaces a document's chunks whole, and keeps a newer revision's against a late older one", async () => {
    const { documentId } = await saved(['one', 'two'], { revision: 2 });
    expect((await saved(['three'], { id: documentId, revision: 3 })).result).to.equal(true);
    expect(await texts(documentId)).to.deep.equal(['three']);
    expect((await saved(['stale'], { id: documentId, revision: 2 })).result).to.equal(false);
    expect(await texts(documentId)).to.deep.equal(['three']);
  });

  it('ranks the chunk the query is about first, and never one of another workspace', async () => {
    const refund = await saved(['Refunds are available within seven days for eligible orders.'], { title: 'Refund Policy' });
    await saved(['Orders ship within two business days.'], { title: 'Shipping' });
    await saved(['Refunds within seven days, always.'], { workspace: 'ws-2', title: 'Elsewhere' });
    const hits = await searchKnowledge(reader(), 'ws-1', { knowledge_base_id: base, query: 'refund within seven days', top_k: 3 }, { vector: await vectorOf('refund within seven days'), model: MODEL });
    expect(hits[0]).to.deep.include({ document_id: refund.documentId, document_title: 'Refund Policy', keyword_score: 1 });
    expect(hits.map((h) => h.document_title)).not.to.include('Elsewhere');
  });

  it('fuses by reciprocal rank when asked: a chunk first on both sides scores 2/61, whatever the sides\' scales', async () => {
    const workspace = `ws-${randomUUID()}`;
    const refund = await saved(['Refunds are available within seven days for eligible orders.'], { title: 'Refund Policy', workspace });
    await saved(['Orders ship within two business days.'], { title: 'Shipping', workspace });
    const search = { knowledge_base_id: base, query: 'refund within seven days', top_k: 3 };
    const query = { vector: await vectorOf('refund within seven days'), model: MODEL };
    const rrf = await searchKnowledge(reader(), workspace, { ...search, fusion: 'rrf' }, query);
    expect(rrf[0]).to.deep.include({ document_id: refund.documentId, keyword_score: 1 });
    expect(rrf[0]!.score).to.be.closeTo(2 / 61, 1e-12);
    const weighted = await searchKnowledge(reader(), workspace, search, query);
    expect(weighted[0]!.score).to.be.closeTo(0.7 + 0.3 * weighted[0]!.vector_score, 1e-12);
  });

  it("compares a query only with chunks embedded by the query's model", async () => {
    const hits = await searchKnowledge(reader(), 'ws-1', { knowledge_base_id: base, query: 'zzqx', top_k: 3 }, { vector: await vectorOf('Orders ship'), model: 'other/model' });
    expect(hits).to.deep.equal([]);
  });

  it("the projection of a delete removes the document's chunks, only in its workspace", async () => {
    const mine = await saved(['Delete me.']);
    const theirs = await saved(['Keep me.'], { workspace: 'ws-2', id: randomUUID() });
    const deleted = (documentId: string) =>
      ({ type: 'DocumentDeleted', event_id: randomUUID(), stream_version: 2, recorded_at: new Date().toISOString(), data: { document_id: documentId }, metadata: { workspace_id: 'ws-1' } }) as unknown as RecordedEvent;
    for (const id of [mine.documentId, theirs.documentId]) for (const statement of knowledgeProjector.project(sql(), deleted(id))) await statement;
    expect(await texts(mine.documentId)).to.deep.equal([]);
    expect(await texts(theirs.documentId)).to.deep.equal(['Keep me.']);
    await deleteDocumentChunks(sql(), 'ws-2', theirs.documentId);
    expect(await texts(theirs.documentId)).to.deep.equal([]);
  });

  it('gives the cited chunks by id with their titles, leaving out what is deleted and what is of another workspace', async () => {
    const refund = await saved(['Refunds within seven days.', 'Keep the receipt.'], { title: 'Refunds' });
    const gone = await saved(['Old text.'], { title: 'Old' });
    const theirs = await saved(['Their text.'], { workspace: 'ws-2', title: 'Theirs' });
    await sql()(KNOWLEDGE_DOCUMENTS).where({ id: gone.documentId }).delete();
    const asked = [`${refund.documentId}:1`, `${gone.documentId}:0`, `${theirs.documentId}:0`, `${refund.documentId}:0`, `${refund.documentId}:7`];
    const found = await findChunks(sql(), 'ws-1', asked);
    expect(found.sort((a, b) => a.chunk_id.localeCompare(b.chunk_id))).to.deep.equal([
      { chunk_id: `${refund.documentId}:0`, document_id: refund.documentId, document_title: 'Refunds', content_text: 'Refunds within seven days.' },
      { chunk_id: `${refund.documentId}:1`, document_id: refund.documentId, document_title: 'Refunds', content_text: 'Keep the receipt.' },
    ]);
    expect(await findChunks(sql(), 'ws-1', [])).to.deep.equal([]);
    const titles = await documentTitles(sql(), 'ws-1', [refund.documentId, gone.documentId, theirs.documentId, refund.documentId]);
    expect([...titles]).to.deep.equal([[refund.documentId, 'Refunds']]);
  });
});
