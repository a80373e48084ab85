import { expect } from 'chai';
import { describeOnPlatform, eventually, expectProblem, fieldsOf, freshWorkspace, minPosition, UUID, wholeLog, workspaceClient } from './testing/server.js';

/** The seed's examples, unchanged but for the base id. */
const seedBase = { code: 'support_kb', name: 'Support Knowledge Base' };
const seedDocument = (knowledge_base_id: string) => ({
  knowledge_base_id,
  title: 'Refund Policy',
  content_text: 'Refunds are available within seven days for eligible orders.',
  source_type: 'text',
});
const seedSearch = (knowledge_base_id: string) => ({ knowledge_base_id, query: 'refund within seven days', top_k: 3 });

describeOnPlatform('knowledge: bases, documents indexed by a processor, and hybrid search', (server) => {
  const { call, ok } = workspaceClient(server);
  type Sent = { id: string; position: number };
  const base = async (body: Record<string, unknown> = seedBase) => (await ok('POST', '/knowledge/bases', body)) as Sent;
  const add = async (body: Record<string, unknown>) => (await ok('POST', '/knowledge/documents', body)) as Sent;
  /** The document once the indexer recorded an outcome for its newest revision. */
  const settled = (id: string, position: number) =>
    eventually(async () => {
      const answer = await call('GET', `/knowledge/documents/${id}`, undefined, minPosition(position));
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.body.status).not.to.equal('pending');
      return answer.body as Record<string, unknown>;
    }, 20_000);
  const search = async (body: Record<string, unknown>, prefix = '') => {
    const answer = await call('POST', `${prefix}/knowledge/search`, body);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body as Record<string, unknown>[];
  };

  for (const prefix of ['', '/gateway']) {
    it(`runs the seed's three examples${prefix ? ' under /gateway' : ''}: the refund policy is found first`, async () => {
      const kb = await call('POST', `${prefix}/knowledge/bases`, seedBase);
      expect(kb.status).to.equal(201);
      expect(kb.body.id).to.match(UUID);
      const others = [
        { title: 'Shipping', content_text: 'Orders ship within two business days. Tracking numbers are sent by email.' },
        { title: 'Passwords', content_text: 'To reset your password, open the login page and choose forgot password.' },
      ];
      for (const other of others) await add({ knowledge_base_id: kb.body.id, source_type: 'text', ...other });
      const refund = await call('POST', `${prefix}/knowledge/documents`, seedDocument(kb.body.id));
      expect(refund.status).to.equal(201);
      const document = await settled(refund.body.id, refund.body.position);
      expect(document).to.deep.include({
        status: 'indexed',
        chunk_count: 1,
        embedding_used: { provider: 'local', model: 'local-hash-ngram-v1' },
        error: null,
        title: 'Refund Policy',
        knowledge_base_id: kb.body.id,
      });
      const listed = await call('GET', `${prefix}/knowledge/documents?knowledge_base_id=${kb.body.id}`);
      expect(listed.body.items.find((d: { id: string }) => d.id === refund.body.id)).to.deep.include({ embedding_used: { provider: 'local', model: 'local-hash-ngram-v1' } });
      const hits = await eventually(async () => {
        const found = await search(seedSearch(kb.body.id), prefix);
        expect(found).to.have.length.greaterThan(1);
        return found;
      });
      expect(hits.length).to.be.at.most(3);
      expect(hits[0]).to.deep.include({ document_id: refund.body.id, document_title: 'Refund Policy', content_text: 'Refunds are available within seven days for eligible orders.' });
      expect(hits[0]!.keyword_score).to.equal(1);
      expect(hits[0]!.vector_score).to.be.greaterThan(0);
      expect(hits[0]!.score).to.be.closeTo(0.7 * 1 + 0.3 * (hits[0]!.vector_score as number), 1e-9);
      expect(hits[0]!.score).to.be.greaterThan(hits[1]!.score as number);
      const rrf = await search({ ...seedSearch(kb.body.id), fusion: 'rrf' }, prefix);
      expect(rrf[0]).to.deep.include({ document_id: refund.body.id });
      expect(rrf[0]!.score).to.be.closeTo(2 / 61, 1e-9);
      expectProblem(await call('POST', `${prefix}/knowledge/search`, { ...seedSearch(kb.body.id), fusion: 'best' }), 400, 'VALIDATION_FAILED');
    });
  }

  it('reports its vector path on /ready: in-process, for PostgreSQL without pgvector, and a searched base is held', async () => {
    const ready = await server().request('GET', '/ready');
    expect(ready.status).to.equal(200);
    expect(ready.body.vector_search).to.include({ path: 'in-process', max_vectors: 500_000 });
    expect(ready.body.vector_search.loaded_bases).to.be.greaterThan(0); // the seed's examples searched a base above
  });

  it('creates a base with the defaults and the embedding this process uses; a code is taken once per workspace', async () => {
    const { id, position } = await base({ ...seedBase, description: 'Answers for support' });
    const one = await call('GET', `/knowledge/bases/${id}`, undefined, minPosition(position));
    expect(one.body).to.deep.include({ id, code: 'support_kb', name: 'Support Knowledge Base', description: 'Answers for support', chunk_size: 800, chunk_overlap: 100 });
    expect(one.body.embedding).to.deep.equal({ provider: 'local', model: one.body.embedding.model, dimension: one.body.embedding.dimension });
    expect(one.body.embedding.dimension).to.be.greaterThan(0);
    expect((await call('GET', '/knowledge/bases', undefined, minPosition(position))).body.items.map((b: { id: string }) => b.id)).to.deep.equal([id]);
    expectProblem(await call('POST', '/knowledge/bases', { code: 'support_kb', name: 'Again' }), 409, 'KNOWLEDGE_BASE_CODE_TAKEN');
    // Another workspace has codes of its own, and sees none of this one's bases.
    const elsewhere = { 'x-workspace-id': freshWorkspace() };
    expect((await call('POST', '/knowledge/bases', seedBase, elsewhere)).status).to.equal(201);
    expectProblem(await call('GET', `/knowledge/bases/${id}`, undefined, elsewhere), 404, 'KNOWLEDGE_BASE_NOT_FOUND');
  });

  it('refuses a bad base or document, naming the field, appending nothing', async () => {
    const before = (await wholeLog((path) => call('GET', path))).length;
    expect(fieldsOf(await call('POST', '/knowledge/bases', { ...seedBase, chunk_size: 100, chunk_overlap: 100 }))).to.deep.equal(['body.chunk_overlap']);
    expect(fieldsOf(await call('POST', '/knowledge/bases', { ...seedBase, code: 'support kb' }))).to.deep.equal(['body.code']);
    expect(fieldsOf(await call('POST', '/knowledge/documents', { ...seedDocument(crypto.randomUUID()), source_type: 'pdf' }))).to.deep.equal(['body.source_type']);
    expect(fieldsOf(await call('PATCH', `/knowledge/documents/${crypto.randomUUID()}`, {}))).to.deep.equal(['body']);
    expectProblem(await call('POST', '/knowledge/documents', seedDocument(crypto.randomUUID())), 404, 'KNOWLEDGE_BASE_NOT_FOUND');
    expectProblem(await call('POST', '/knowledge/search', seedSearch(crypto.randomUUID())), 404, 'KNOWLEDGE_BASE_NOT_FOUND');
    expectProblem(await call('DELETE', `/knowledge/documents/${crypto.randomUUID()}`), 404, 'DOCUMENT_NOT_FOUND');
    expectProblem(await call('POST', `/knowledge/documents/${crypto.randomUUID()}/reindex`), 404, 'DOCUMENT_NOT_FOUND');
    expect((await wholeLog((path) => call('GET', path))).length).to.equal(before);
  });

  it("keeps another workspace's documents out of reach: 404 on the base, the document and its changes", async () => {
    const kb = await base();
    const doc = await add(seedDocument(kb.id));
    const elsewhere = { 'x-workspace-id': freshWorkspace() };
    expectProblem(await call('POST', '/knowledge/documents', seedDocument(kb.id), elsewhere), 404, 'KNOWLEDGE_BASE_NOT_FOUND');
    expectProblem(await call('GET', `/knowledge/documents/${doc.id}`, undefined, { ...elsewhere, ...minPosition(doc.position) }), 404, 'DOCUMENT_NOT_FOUND');
    expectProblem(await call('PATCH', `/knowledge/documents/${doc.id}`, { title: 'Mine' }, elsewhere), 404, 'DOCUMENT_NOT_FOUND');
    expectProblem(await call('DELETE', `/knowledge/documents/${doc.id}`, undefined, elsewhere), 404, 'DOCUMENT_NOT_FOUND');
    expectProblem(await call('POST', '/knowledge/search', seedSearch(kb.id), elsewhere), 404, 'KNOWLEDGE_BASE_NOT_FOUND');
    const listed = await call('GET', `/knowledge/documents?knowledge_base_id=${kb.id}`, undefined, { ...elsewhere, ...minPosition(doc.position) });
    expect(listed.body.items).to.deep.equal([]);
  });

  it('changes a document: indexed again, the new text found and the old one not; a re-index keeps it found', async () => {
    const kb = await base();
    const doc = await add({ ...seedDocument(kb.id), metadata_json: { team: 'billing' } });
    await settled(doc.id, doc.position);
    const changed = await ok('PATCH', `/knowledge/documents/${doc.id}`, { content_text: 'Exchanges are possible within thirty days.' });
    const after = await settled(changed.id, changed.position);
    expect(after).to.deep.include({ status: 'indexed', title: 'Refund Policy', metadata_json: { team: 'billing' } });
    const hits = await search({ knowledge_base_id: kb.id, query: 'exchanges thirty days', top_k: 3 });
    expect(hits.map((h) => h.content_text)).to.deep.equal(['Exchanges are possible within thirty days.']);
    expect((await search({ knowledge_base_id: kb.id, query: 'seven', top_k: 3 })).filter((h) => h.keyword_score)).to.deep.equal([]);
    const reindexed = await ok('POST', `/knowledge/documents/${doc.id}/reindex`);
    expect(await settled(doc.id, reindexed.position)).to.deep.include({ status: 'indexed', chunk_count: 1 });
  });

  it('filters a search by metadata before ranking, and still returns top_k when that many match', async () => {
    const kb = await base();
    let last: Sent | undefined;
    // Nine sales documents match the query better than any billing one, so a filter applied after ranking the top 3 would find none.
    for (let i = 0; i < 9; i++) last = await add({ knowledge_base_id: kb.id, title: `Refunds ${i}`, content_text: `Refund within seven days: rule ${i}.`, metadata_json: { team: 'sales' } });
    for (let i = 0; i < 3; i++) last = await add({ knowledge_base_id: kb.id, title: `Billing ${i}`, content_text: `A refund takes ${i + 2} weeks.`, metadata_json: { team: 'billing', n: i } });
    await settled(last!.id, last!.position);
    await eventually(async () => {
      const hits = await search({ knowledge_base_id: kb.id, query: 'refund within seven days', top_k: 3, metadata_filter: { team: 'billing' } });
      expect(hits.map((h) => h.document_title).sort()).to.deep.equal(['Billing 0', 'Billing 1', 'Billing 2']);
      const one = await search({ knowledge_base_id: kb.id, query: 'refund within seven days', top_k: 3, metadata_filter: { team: 'billing', n: 1 } });
      expect(one.map((h) => h.document_title)).to.deep.equal(['Billing 1']);
    });
  });

  it('deletes a document: never read or found again, and its text is nowhere in the log', async () => {
    const kb = await base();
    const doc = await add({ ...seedDocument(kb.id), title: 'Vault', content_text: 'The vault combination is 7731-zebra.' });
    await settled(doc.id, doc.position);
    expect((await search({ knowledge_base_id: kb.id, query: 'vault combination', top_k: 3 })).length).to.equal(1);
    const deleted = await ok('DELETE', `/knowledge/documents/${doc.id}`);
    expectProblem(await call('GET', `/knowledge/documents/${doc.id}`, undefined, minPosition(deleted.position)), 404, 'DOCUMENT_NOT_FOUND');
    expect(await search({ knowledge_base_id: kb.id, query: 'vault combination', top_k: 3 })).to.deep.equal([]);
    expectProblem(await call('DELETE', `/knowledge/documents/${doc.id}`), 409, 'DOCUMENT_DELETED');
    expectProblem(await call('POST', `/knowledge/documents/${doc.id}/reindex`), 409, 'DOCUMENT_DELETED');
    const log = JSON.stringify(await wholeLog((path) => call('GET', path)));
    expect(log).to.include('DocumentAdded').and.include('DocumentDeleted');
    // Words, not digits: a digit run turns up by chance in the log's ids and ciphertexts.
    expect(log).not.to.include('combination');
    expect(log).not.to.include('Vault');
  });

  it('deletes a base with exactly its documents: gone from every read and search, their text nowhere in the log', async () => {
    const kb = await base();
    const kept = await base({ code: 'kept_kb', name: 'Kept' });
    const doc = await add({ ...seedDocument(kb.id), content_text: 'The alarm code is 5512-otter.' });
    const other = await add({ ...seedDocument(kept.id), content_text: 'The alarm code is kept here.' });
    await settled(doc.id, doc.position);
    await settled(other.id, other.position);
    const deleted = await ok('DELETE', `/knowledge/bases/${kb.id}`);
    expectProblem(await call('GET', `/knowledge/bases/${kb.id}`, undefined, minPosition(deleted.position)), 404, 'KNOWLEDGE_BASE_NOT_FOUND');
    expectProblem(await call('GET', `/knowledge/documents/${doc.id}`, undefined, minPosition(deleted.position)), 404, 'DOCUMENT_NOT_FOUND');
    expectProblem(await call('POST', '/knowledge/search', seedSearch(kb.id)), 404, 'KNOWLEDGE_BASE_NOT_FOUND');
    expectProblem(await call('DELETE', `/knowledge/bases/${kb.id}`), 409, 'KNOWLEDGE_BASE_DELETED');
    expectProblem(await call('POST', '/knowledge/documents', seedDocument(kb.id)), 404, 'KNOWLEDGE_BASE_NOT_FOUND');
    expectProblem(await call('PATCH', `/knowledge/documents/${doc.id}`, { title: 'Again' }), 409, 'DOCUMENT_DELETED');
    expect((await search({ knowledge_base_id: kept.id, query: 'alarm code', top_k: 3 })).map((h) => h.document_id)).to.deep.equal([other.id]);
    const log = JSON.stringify(await wholeLog((path) => call('GET', path)));
    expect(log).to.include('KnowledgeBaseDeleted');
    expect(log).not.to.include('5512');
  });

  it('takes a document larger than the 2 MB other routes take, and refuses one over its own limit with 413', async () => {
    const kb = await base();
    const sentence = 'Refunds are reviewed by the billing team within seven days of the request. ';
    const big = sentence.repeat(Math.ceil(3_000_000 / sentence.length));
    expect((await call('POST', '/knowledge/documents', { ...seedDocument(kb.id), content_text: big })).status).to.equal(201);
    expect((await call('POST', '/knowledge/documents', { ...seedDocument(kb.id), content_text: big + big + big })).status).to.equal(413);
    expect((await call('POST', '/knowledge/bases', { ...seedBase, description: big.slice(0, 2_500_000) })).status).to.equal(413);
  });

  it('adds a document once for one idempotency key', async () => {
    const kb = await base();
    const key = { 'idempotency-key': `document-${Date.now()}` };
    const first = await call('POST', '/knowledge/documents', seedDocument(kb.id), key);
    const again = await call('POST', '/knowledge/documents', seedDocument(kb.id), key);
    expect(again.status).to.equal(201);
    expect(again.body).to.deep.equal(first.body);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
  });
});
