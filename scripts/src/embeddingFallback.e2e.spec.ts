import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createLocalEmbeddingProvider } from '@agent-platform/infra';
import { describeOnPlatform, eventually, minPosition, workspaceClient, type TestServer } from './testing/server.js';

/**
 * An OpenAI-compatible `/embeddings` server that fails as told: `500` answers a server error, `reset`
 * cuts the connection, `ok` answers (with the local embedding's vectors, so the seed's ranking holds).
 */
type Mode = '500' | 'reset' | 'ok';
const failingServer = () => {
  const local = createLocalEmbeddingProvider({ dimension: 384 });
  const state = { mode: '500' as Mode, calls: 0, url: '', server: undefined as http.Server | undefined };
  before(async () => {
    state.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        state.calls++;
        if (state.mode === 'reset') return void req.socket.destroy();
        if (state.mode === '500') return void res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'down' } }));
        const { input, model } = JSON.parse(raw) as { input: string[]; model: string };
        void local.embed(input).then(({ vectors }) => {
          const data = vectors.map((v, index) => ({ object: 'embedding', index, embedding: Array.from(v) }));
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data, model, usage: { prompt_tokens: 1, total_tokens: 1 } }));
        });
      });
    });
    await new Promise<void>((resolve) => state.server!.listen(0, '127.0.0.1', resolve));
    state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}/v1`;
  });
  after(async () => {
    state.server?.closeAllConnections();
    await new Promise((resolve) => state.server?.close(resolve));
  });
  return state;
};

const envOf = (server: { url: string }, fallback: boolean) => () => ({
  AGENT_PLATFORM_EMBEDDING_PROVIDER: 'http',
  AGENT_PLATFORM_EMBEDDING_BASE_URL: server.url,
  AGENT_PLATFORM_EMBEDDING_MODEL: 'scripted-embed',
  AGENT_PLATFORM_EMBEDDING_MAX_RETRIES: '0',
  AGENT_PLATFORM_EMBEDDING_TIMEOUT_MS: '2000',
  AGENT_PLATFORM_EMBEDDING_FALLBACK: String(fallback),
});

const REFUND = 'Refunds are available within seven days for eligible orders.';

const seeded = (server: () => TestServer) => {
  const client = workspaceClient(server);
  const { call, ok } = client;
  const settled = (id: string, position: number) =>
    eventually(async () => {
      const answer = await call('GET', `/knowledge/documents/${id}`, undefined, minPosition(position));
      expect(answer.status).to.equal(200);
      expect(answer.body.status).not.to.equal('pending');
      return answer.body as Record<string, unknown>;
    }, 30_000);
  /** The seed's base with the refund policy and two others; the refund policy's id and final position. */
  const seed = async () => {
    const kb = (await ok('POST', '/knowledge/bases', { code: 'support_kb', name: 'Support Knowledge Base' })) as { id: string };
    for (const [title, content_text] of [
      ['Shipping', 'Orders ship within two business days. Tracking numbers are sent by email.'],
      ['Passwords', 'To reset your password, open the login page and choose forgot password.'],
    ]) await ok('POST', '/knowledge/documents', { knowledge_base_id: kb.id, title, content_text, source_type: 'text' });
    const refund = (await ok('POST', '/knowledge/documents', { knowledge_base_id: kb.id, title: 'Refund Policy', content_text: REFUND, source_type: 'text' })) as { id: string; position: number };
    return { kb: kb.id, refund };
  };
  return { ...client, settled, seed };
};

describe('embedding provider fallback, through the whole platform', () => {
  for (const mode of ['500', 'reset'] as const) {
    describe(`a provider that answers ${mode === '500' ? '500' : 'by resetting the connection'}, fallback on`, () => {
      const provider = failingServer();
      describeOnPlatform(
        'the local embedding answers instead',
        (server) => {
          const { call, ok, settled, seed } = seeded(server);
          beforeEach(() => void (provider.mode = mode));

          it('indexes documents, and both searches answer 200 saying `local`; "refund within seven days" still finds the refund policy first', async () => {
            const { kb, refund } = await seed();
            const indexed = await settled(refund.id, refund.position);
            expect(indexed).to.deep.include({ status: 'indexed', chunk_count: 1, error: null });
            // The document says which embedding made its chunks: the fallback's, not the one configured.
            expect(indexed.embedding_used).to.include({ provider: 'local' }).and.have.property('model').that.is.a('string').and.not.equal('scripted-embed');
            const hits = await eventually(async () => {
              const answer = await call('POST', '/knowledge/search', { knowledge_base_id: kb, query: 'refund within seven days', top_k: 3 });
              expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
              expect(answer.headers.get('x-embedding-provider')).to.equal('local');
              expect(answer.headers.get('x-embedding-model')).to.be.a('string').and.not.equal('scripted-embed');
              expect(answer.body).to.have.length.greaterThan(1);
              return answer.body as { document_id: string }[];
            });
            expect(hits[0]!.document_id).to.equal(refund.id);

            const memory = (await ok('POST', '/memories', { scope_type: 'user', scope_id: 'user-1', content_text: 'Prefers refunds to store credit' })) as { position: number };
            const found = await call('POST', '/memories/search', { query: 'refunds', scope_type: 'user', scope_id: 'user-1', limit: 5 }, minPosition(memory.position));
            expect(found.status, JSON.stringify(found.body)).to.equal(200);
            expect(found.headers.get('x-embedding-provider')).to.equal('local');
            expect(found.body).to.have.length(1);
            expect(provider.calls).to.be.greaterThan(0);

            // The provider is back: the query is embedded by it, and the memory the local model embedded is not compared with it.
            provider.mode = 'ok';
            const mixed = await call('POST', '/memories/search', { query: 'refunds', scope_type: 'user', scope_id: 'user-1', limit: 5 });
            expect(mixed.status, JSON.stringify(mixed.body)).to.equal(200);
            expect(mixed.headers.get('x-embedding-provider')).to.equal('openai-compatible');
            expect(mixed.body).to.have.length(1);
            expect(mixed.body[0]).to.include({ vector_score: 0, keyword_score: 1 });
            // The memory says why: the local model embedded it, the provider the query.
            expect(mixed.body[0].embedding_used).to.include({ provider: 'local' });
          });
        },
        { env: envOf(provider, true) },
      );
    });
  }

  describe('a provider that answers 500, fallback off', () => {
    const provider = failingServer();
    describeOnPlatform(
      'nothing is forged',
      (server) => {
        const { call, ok, settled, seed } = seeded(server);

        it('records DocumentIndexFailed saying why, searches answer 503 problem+json; once the provider recovers, a re-index uses it', async () => {
          provider.mode = '500';
          const { kb, refund } = await seed();
          const failed = await settled(refund.id, refund.position);
          expect(failed.status).to.equal('failed');
          expect(failed.embedding_used).to.equal(null);
          expect(failed.error).to.match(/500|embedding|provider/i);
          const search = await call('POST', '/knowledge/search', { knowledge_base_id: kb, query: 'refund within seven days', top_k: 3 });
          expect(search.status).to.equal(503);
          expect(search.headers.get('content-type')).to.match(/application\/problem\+json/);
          expect(search.headers.get('x-embedding-provider')).to.equal(null);
          const memories = await call('POST', '/memories/search', { query: 'refunds', scope_type: 'user', scope_id: 'user-1' });
          expect(memories.status).to.equal(503);

          provider.mode = 'ok';
          const again = (await ok('POST', `/knowledge/documents/${refund.id}/reindex`, {})) as { position: number };
          expect(await settled(refund.id, again.position)).to.deep.include({
            status: 'indexed',
            chunk_count: 1,
            error: null,
            embedding_used: { provider: 'openai-compatible', model: 'scripted-embed' },
          });
          const hits = await call('POST', '/knowledge/search', { knowledge_base_id: kb, query: 'refund within seven days', top_k: 3 });
          expect(hits.status).to.equal(200);
          expect(hits.headers.get('x-embedding-provider')).to.equal('openai-compatible');
          expect(hits.headers.get('x-embedding-model')).to.equal('scripted-embed');
          expect((hits.body as { document_id: string }[])[0]!.document_id).to.equal(refund.id);
        });
      },
      { env: envOf(provider, false) },
    );
  });
});
