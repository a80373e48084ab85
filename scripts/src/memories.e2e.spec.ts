import { expect } from 'chai';
import { SealedContent } from '@agent-platform/contracts';
import { createKnex, createLogger, createPool, loadConfig, openContent } from '@agent-platform/infra';
import { describeOnEachPostgres } from '@agent-platform/infra/testing';
import { replayProjection } from '@agent-platform/projectors';
import { memoriesReader } from '@agent-platform/projectors/readers';
import { openDataKeys } from './dataKeys.js';
import { projectors } from './domains.js';
import { openEventStore } from './eventStore.js';
import { describeOnPlatform, expectProblem, fieldsOf, freshWorkspace, minPosition, startServer, TEST_ENV, UUID, wholeLog, workspaceClient } from './testing/server.js';

const SCOPE = { scope_type: 'session', scope_id: 'session-1' } as const;
/** The seed's example memory. */
const seedMemory = { ...SCOPE, memory_type: 'fact', content_text: 'User prefers concise answers.', importance_score: 80 };

describeOnPlatform('memories: scoped memories with hybrid search, and forgetting the log cannot undo', (server) => {
  const { call, ok } = workspaceClient(server);
  const write = async (body: Record<string, unknown> = seedMemory) => (await ok('POST', '/memories', body)) as { id: string; position: number };
  const search = async (body: Record<string, unknown>, position: number) => {
    const answer = await call('POST', '/memories/search', body, minPosition(position));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body as Record<string, unknown>[];
  };

  for (const prefix of ['', '/gateway']) {
    it(`finds the seed's memory for the seed's query, with every score the seed names${prefix ? ' under /gateway' : ''}`, async () => {
      const written = await call('POST', `${prefix}/memories`, seedMemory);
      expect(written.status, JSON.stringify(written.body)).to.be.oneOf([201, 202]);
      const { id, position } = written.body as { id: string; position: number };
      expect(id).to.match(UUID);
      const answer = await call('POST', `${prefix}/memories/search`, { query: 'concise', ...SCOPE, limit: 5 }, minPosition(position));
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      const hits = answer.body as Record<string, unknown>[];
      expect(hits).to.have.length(1);
      expect(hits[0]).to.deep.include({
        id,
        ...seedMemory,
        importance_score: 0.8,
        rerank_mode: 'hybrid-local',
        keyword_score: 1,
        provenance: null,
        embedding_used: { provider: 'local', model: 'local-hash-ngram-v1' },
      });
      expect(hits[0]!.vector_score).to.be.greaterThan(0);
      expect(hits[0]!.score).to.be.closeTo(0.45 * (hits[0]!.vector_score as number) + 0.35 + 0.2 * 0.8, 1e-9);
    });
  }

  it('ranks what the query is about first, within the scope and the memory types asked for', async () => {
    await write({ ...SCOPE, memory_type: 'preference', content_text: 'Prefers to be called Sam.', importance_score: 10 });
    const refund = await write({ ...SCOPE, content_text: 'Asked for a refund of order 123 within seven days.', importance_score: 20 });
    const other = await write({ ...SCOPE, scope_id: 'session-2', content_text: 'Asked for a refund of order 456.' });
    const hits = await search({ query: 'refund within seven days', ...SCOPE, limit: 5 }, other.position);
    expect(hits[0]!.id).to.equal(refund.id);
    expect(hits.map((h) => h.id)).not.to.include(other.id);
    const preferences = await search({ query: 'refund within seven days', ...SCOPE, limit: 5, memory_types: ['preference'] }, other.position);
    expect(preferences.map((h) => h.memory_type)).to.satisfy((types: string[]) => types.every((t) => t === 'preference'));
  });

  it("lists a scope's memories newest first and reads one, with its metadata, and nothing of another workspace", async () => {
    const first = await write({ ...seedMemory, metadata_json: { source: 'chat' } });
    const second = await write({ ...seedMemory, content_text: 'Lives in Lyon.' });
    const list = await call('GET', `/memories?scope_type=session&scope_id=session-1`, undefined, minPosition(second.position));
    expect(list.body.items.map((m: { id: string }) => m.id)).to.deep.equal([second.id, first.id]);
    const one = await call('GET', `/memories/${first.id}`, undefined, minPosition(second.position));
    expect(one.body).to.deep.include({
      id: first.id,
      content_text: 'User prefers concise answers.',
      metadata_json: { source: 'chat' },
      importance_score: 80,
      embedding_used: { provider: 'local', model: 'local-hash-ngram-v1' },
    });
    const elsewhere = { 'x-workspace-id': freshWorkspace() };
    expectProblem(await call('GET', `/memories/${first.id}`, undefined, elsewhere), 404, 'MEMORY_NOT_FOUND');
    const foreign = await call('POST', '/memories/search', { query: 'concise', ...SCOPE }, elsewhere);
    expect(foreign.body).to.deep.equal([]);
    expectProblem(await call('DELETE', `/memories/${first.id}`, undefined, elsewhere), 404, 'MEMORY_NOT_FOUND');
  });

  it('changes a memory: the new text is searched, the old one is not, and the rest is kept', async () => {
    const { id } = await write({ ...seedMemory, metadata_json: { source: 'chat' } });
    const changed = await ok('PATCH', `/memories/${id}`, { content_text: 'User prefers detailed answers.', importance_score: 30 });
    expect((await search({ query: 'concise', ...SCOPE }, changed.position)).map((h) => h.id)).not.to.include(id);
    const hits = await search({ query: 'detailed', ...SCOPE }, changed.position);
    expect(hits[0]).to.deep.include({ id, content_text: 'User prefers detailed answers.', metadata_json: { source: 'chat' }, importance_score: 0.3 });
  });

  it('forgets a memory: never read or found again, and its text is nowhere in the log', async () => {
    const { id } = await write({ ...seedMemory, content_text: 'My locker code is 8841.' });
    const forgotten = await ok('DELETE', `/memories/${id}`);
    expectProblem(await call('GET', `/memories/${id}`, undefined, minPosition(forgotten.position)), 404, 'MEMORY_NOT_FOUND');
    expect(await search({ query: 'locker code', ...SCOPE }, forgotten.position)).to.deep.equal([]);
    expectProblem(await call('DELETE', `/memories/${id}`), 409, 'MEMORY_FORGOTTEN');
    expectProblem(await call('PATCH', `/memories/${id}`, { importance_score: 1 }), 409, 'MEMORY_FORGOTTEN');
    const log = JSON.stringify(await wholeLog((path) => call('GET', path)));
    expect(log).to.include('MemoryWritten').and.include('MemoryForgotten');
    // Words, not digits: a digit run turns up by chance in the log's ids and ciphertexts.
    expect(log).not.to.include('locker code');
  });

  it('forgets exactly one scope: its memories go, those of a like-named scope and of another workspace stay', async () => {
    const user = { scope_type: 'user', memory_type: 'fact', content_text: 'Allergic to peanuts.' };
    const gone = await write({ ...user, scope_id: 'u1' });
    const kept = await write({ ...user, scope_id: 'u10' });
    const otherWorkspace = { 'x-workspace-id': freshWorkspace() };
    const foreign = await call('POST', '/memories', { ...user, scope_id: 'u1' }, otherWorkspace);
    const forgot = await ok('DELETE', '/memories?scope_type=user&scope_id=u1');
    expectProblem(await call('GET', `/memories/${gone.id}`, undefined, minPosition(forgot.position)), 404, 'MEMORY_NOT_FOUND');
    expect((await call('GET', `/memories/${kept.id}`, undefined, minPosition(forgot.position))).status).to.equal(200);
    expect((await call('GET', `/memories/${foreign.body.id}`, undefined, { ...otherWorkspace, ...minPosition(forgot.position) })).status).to.equal(200);
    // A memory written to the scope afterwards is a new one, and stays.
    const later = await write({ ...user, scope_id: 'u1' });
    expect((await call('GET', `/memories/${later.id}`, undefined, minPosition(later.position))).status).to.equal(200);
  });

  it('refuses what it cannot store or that is out of range, naming the field, appending nothing', async () => {
    const before = (await wholeLog((path) => call('GET', path))).length;
    const tooImportant = await call('POST', '/memories', { ...seedMemory, importance_score: 101 });
    expectProblem(tooImportant, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(tooImportant)).to.deep.equal(['body.importance_score']);
    expect(fieldsOf(await call('POST', '/memories', { ...seedMemory, scope_id: 'session 1' }))).to.deep.equal(['body.scope_id']);
    expect(fieldsOf(await call('POST', '/memories', { ...seedMemory, scope_type: 'galaxy' }))).to.deep.equal(['body.scope_type']);
    expect(fieldsOf(await call('PATCH', `/memories/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, {}))).to.deep.equal(['body']);
    expect((await wholeLog((path) => call('GET', path))).length).to.equal(before);
  });

  it('writes a memory once for one idempotency key', async () => {
    const key = { 'idempotency-key': `memory-${Date.now()}` };
    const first = await call('POST', '/memories', seedMemory, key);
    const again = await call('POST', '/memories', seedMemory, key);
    expect(again.status).to.equal(201);
    expect(again.body).to.deep.equal(first.body);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    // Still the first answer once the memory it wrote is forgotten, and nothing written again.
    expect((await call('DELETE', `/memories/${first.body.id}`)).status).to.equal(202);
    const afterForget = await call('POST', '/memories', seedMemory, key);
    expect(afterForget.status, JSON.stringify(afterForget.body)).to.equal(201);
    expect(afterForget.body).to.deep.equal(first.body);
  });
});

describeOnEachPostgres('memories: a rebuild of the read model', ({ db }) => {
  it('brings back the memories that were not forgotten, and none of those that were', async () => {
    const server = await startServer({ AGENT_PLATFORM_DATABASE_URL: db().url });
    const workspace = { 'x-workspace-id': freshWorkspace() };
    const post = (body: Record<string, unknown>) => server.request('POST', '/memories', { body, headers: workspace });
    const kept = (await post({ ...seedMemory, content_text: 'Keeps bees.' })).body.id as string;
    const forgotten = (await post({ ...seedMemory, content_text: 'Owes Alex 40 euros.' })).body.id as string;
    expect((await server.request('DELETE', `/memories/${forgotten}`, { headers: workspace })).status).to.equal(202);
    await server.stop();

    const config = loadConfig({ ...TEST_ENV, AGENT_PLATFORM_DATABASE_URL: db().url });
    const log = createLogger('silent');
    const knex = createKnex(db().url);
    const pool = createPool(db().url, 2);
    const store = await openEventStore(config, { pool, url: db().url }, log);
    try {
      const dataKeys = await openDataKeys(config, pool, { embedded: false }, log);
      const projector = projectors.find((p) => p.name === 'memories')!;
      await replayProjection({ store, knex, pool, services: { dataKeys } }, projector);
      const listed = await memoriesReader.listMemories(knex, workspace['x-workspace-id'], SCOPE, { limit: 10 });
      expect(listed.items.map((m) => m.id)).to.deep.equal([kept]);
      expect(await memoriesReader.findMemory(knex, workspace['x-workspace-id'], forgotten)).to.equal(undefined);
      // What the log holds of each: the kept one opens with its key, the forgotten one can never be opened again.
      const openedIn = async (id: string) => {
        const [written] = await store.readStream(`memory-${id}`);
        const sealed = SealedContent.parse((written!.data as { content: unknown }).content);
        return openContent(await dataKeys.getKey({ workspaceId: workspace['x-workspace-id'], subject: `memory:${id}` }), sealed).status;
      };
      expect(await openedIn(kept)).to.equal('opened');
      expect(await openedIn(forgotten)).to.equal('erased');
    } finally {
      await store.close();
      await pool.end();
      await knex.destroy();
    }
  });
});
