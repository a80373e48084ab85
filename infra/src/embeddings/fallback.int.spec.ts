import { expect } from 'chai';
import { APIUserAbortError } from 'openai';
import { ConfigError } from '../errors.js';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from '../models/testing/scriptedOpenAiServer.js';
import { capturingLogger } from '../testing/logs.js';
import { withEmbeddingFallback } from './fallback.js';
import { createHttpEmbeddingProvider } from './http/httpEmbeddings.js';
import { LOCAL_EMBEDDING_MODEL, localEmbedding } from './local/localEmbedding.js';
import { createLocalEmbeddingProvider } from './local/localProvider.js';

const KEY = 'sk-test-fallback-0123456789';
/** Echoes the key, as some servers do in their errors. */
const failing = (status: number) => ({ status, body: { error: { message: `status ${status} for key ${KEY}` } } });

describe('the local fallback of the embeddings', () => {
  let server: ScriptedOpenAiServer;
  const SERVER_DIMENSION = 384;
  before(async () => {
    server = await startScriptedOpenAiServer({ embeddingDimension: SERVER_DIMENSION });
  });
  after(async () => server?.close());
  afterEach(() => expect(server.pending(), 'every scripted reply was used').to.equal(0));

  const http = (dimension = SERVER_DIMENSION) =>
    createHttpEmbeddingProvider({ baseURL: server.baseURL, apiKey: KEY, model: 'minilm', dimension, requestDimension: false, batchSize: 64, timeoutMs: 2000, maxRetries: 0 });
  const fallbackOf = (log = capturingLogger().log) => withEmbeddingFallback(http(), createLocalEmbeddingProvider({ dimension: SERVER_DIMENSION }), log);

  it('answers with the server while it works, and says so', async () => {
    const result = await fallbackOf().embed(['refund within seven days']);
    expect(result).to.include({ provider: 'openai-compatible', model: 'minilm' });
  });

  it('answers a call the server fails with the local embedding, and says so', async () => {
    server.enqueue(failing(500));
    const result = await fallbackOf().embed(['refund within seven days', 'refunds']);
    expect(result).to.include({ provider: 'local', model: LOCAL_EMBEDDING_MODEL });
    expect(result.vectors.map((v) => Array.from(v))).to.deep.equal(['refund within seven days', 'refunds'].map((t) => Array.from(localEmbedding(t, 384))));
  });

  it('falls back for the whole call when a later batch fails, so one result never mixes two models', async () => {
    const provider = withEmbeddingFallback(
      createHttpEmbeddingProvider({ baseURL: server.baseURL, model: 'minilm', dimension: 384, requestDimension: false, batchSize: 1, timeoutMs: 2000, maxRetries: 0 }),
      createLocalEmbeddingProvider(),
      capturingLogger().log,
    );
    server.enqueue({ embeddings: [Array.from({ length: 384 }, (_, i) => (i === 0 ? 1 : 0))] }, failing(503));
    const result = await provider.embed(['a', 'b']);
    expect(result.provider).to.equal('local');
    expect(Array.from(result.vectors[0]!)).to.deep.equal(Array.from(localEmbedding('a', 384)));
  });

  it('falls back from a misconfigured server too (vectors of the wrong dimension)', async () => {
    server.enqueue({ embeddings: [Array.from(localEmbedding('a', 768))] });
    expect((await fallbackOf().embed(['a'])).provider).to.equal('local');
  });

  it('logs the failures once per window, with the code and without the key', async () => {
    const { log, lines } = capturingLogger();
    const provider = fallbackOf(log);
    server.enqueue(failing(500), failing(500), failing(500));
    for (let i = 0; i < 3; i++) await provider.embed(['a']);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.deep.include({ level: 40, code: 'PROVIDER_UNAVAILABLE', status: 500, provider: 'openai-compatible', repeated: 1 });
    expect(JSON.stringify(lines)).not.to.contain(KEY);
  });

  it('passes a caller\'s abort on instead of answering it locally', async () => {
    server.enqueue({ hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await fallbackOf().embed(['a'], { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(APIUserAbortError);
  });

  it('refuses at start-up a fallback of another dimension: its vectors could not be stored with the others', () => {
    expect(() => withEmbeddingFallback(http(1536), createLocalEmbeddingProvider({ dimension: 384 }), capturingLogger().log)).to.throw(ConfigError, 'AGENT_PLATFORM_EMBEDDING_FALLBACK');
  });
});
