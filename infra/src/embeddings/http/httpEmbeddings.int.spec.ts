import { expect } from 'chai';
import { APIError } from 'openai';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from '../../models/testing/scriptedOpenAiServer.js';
import { failingReply, providerFailureOf } from '../../models/testing/scriptedServerPerSuite.js';
import { embeddingProviderContract } from '../embeddings.contract.js';
import { localEmbedding } from '../local/localEmbedding.js';
import { createHttpEmbeddingProvider, type HttpEmbeddingOptions } from './httpEmbeddings.js';

const KEY = 'sk-test-embeddings-0123456789';
const MODEL = 'text-embedding-3-small';
/** Asks the client to retry after 10 ms instead of its default backoff of half a second and more. */
const inputsOf = (server: ScriptedOpenAiServer) => server.requests.map((r) => (r.body as { input: string[] }).input);


describe('http embeddings (OpenAI-compatible /embeddings, official openai client)', () => {
  let server: ScriptedOpenAiServer;
  before(async () => {
    server = await startScriptedOpenAiServer();
  });
  after(async () => server?.close());
  const provider = (options: Partial<HttpEmbeddingOptions> = {}) =>
    createHttpEmbeddingProvider({
      baseURL: server.baseURL,
      apiKey: KEY,
      model: MODEL,
      dimension: 384,
      requestDimension: false,
      batchSize: 64,
      timeoutMs: 2000,
      maxRetries: 2,
      ...options,
    });

  describe('the EmbeddingProvider contract, against a scripted OpenAI-compatible server', () => {
    embeddingProviderContract(async () => ({ provider: provider() }), { deterministic: true });
  });

  describe('against a scripted server', () => {
    beforeEach(() => {
      server.requests.length = 0;
    });
    afterEach(() => expect(server.pending(), 'every scripted reply was used').to.equal(0));

    it('posts the texts to /embeddings with the model, as floats, and the key as a bearer token', async () => {
      const result = await provider().embed(['refund within seven days']);
      const [request] = server.requests;
      expect(request).to.deep.include({ method: 'POST', path: '/v1/embeddings' });
      expect(request!.headers.authorization).to.equal(`Bearer ${KEY}`);
      expect(request!.body).to.deep.equal({ model: MODEL, input: ['refund within seven days'], encoding_format: 'float' });
      expect(Array.from(result.vectors[0]!)).to.deep.equal(Array.from(localEmbedding('refund within seven days', 384)));
      expect(result).to.include({ provider: 'openai-compatible', model: MODEL });
    });

    it('asks for `dimensions` only when configured to', async () => {
      const result = await provider({ dimension: 256, requestDimension: true }).embed(['refund']);
      expect(server.requests[0]!.body).to.deep.include({ dimensions: 256 });
      expect(result.vectors[0]).to.have.length(256);
    });

    it('sends 150 texts as requests of 64, 64 and 22, and puts the vectors back in order', async () => {
      const texts = Array.from({ length: 150 }, (_, i) => `text number ${i}`);
      const { vectors } = await provider().embed(texts);
      expect(inputsOf(server).map((input) => input.length)).to.deep.equal([64, 64, 22]);
      expect(inputsOf(server).flat()).to.deep.equal(texts);
      expect(vectors.map((v) => Array.from(v))).to.deep.equal(texts.map((t) => Array.from(localEmbedding(t, 384))));
    });

    it('sends no request for no texts', async () => {
      expect((await provider().embed([])).vectors).to.deep.equal([]);
      expect(server.requests).to.have.length(0);
    });

    it('retries a 500 (the client backs off), then answers', async () => {
      server.enqueue(failingReply(500));
      expect((await provider({ maxRetries: 2 }).embed(['refund'])).vectors).to.have.length(1);
      expect(server.requests).to.have.length(2);
    });

    it('retries a batch that failed without sending the others again', async () => {
      server.enqueue({ embeddings: Array.from({ length: 2 }, () => Array.from(localEmbedding('x', 384))) }, failingReply(429));
      await provider({ batchSize: 2, maxRetries: 1 }).embed(['a', 'b', 'c']);
      expect(inputsOf(server)).to.deep.equal([['a', 'b'], ['c'], ['c']]);
    });

    it('gives up after maxRetries with ProviderError unavailable, keeping the client error as cause', async () => {
      server.enqueue(failingReply(503), failingReply(503), failingReply(503));
      const error = await providerFailureOf(provider({ maxRetries: 2 }).embed(['refund']));
      expect(error).to.include({ code: 'PROVIDER_UNAVAILABLE', kind: 'unavailable', category: 'THIRD_PARTY', status: 503 });
      expect(error.cause).to.be.instanceOf(APIError);
      expect(server.requests).to.have.length(3);
    });

    it('does not retry a 400: ProviderError unprocessable', async () => {
      server.enqueue(failingReply(400));
      expect(await providerFailureOf(provider().embed(['refund']))).to.include({ code: 'PROVIDER_REJECTED', kind: 'unprocessable' });
      expect(server.requests).to.have.length(1);
    });

    it('refuses vectors of another dimension than the configured one: EMBEDDING_DIMENSION_MISMATCH', async () => {
      server.enqueue({ embeddings: [Array.from(localEmbedding('refund', 1536))] });
      const error = await providerFailureOf(provider({ dimension: 384 }).embed(['refund']));
      expect(error).to.include({ code: 'EMBEDDING_DIMENSION_MISMATCH', kind: 'unprocessable' });
      expect(error.message).to.contain('AGENT_PLATFORM_EMBEDDING_DIMENSION');
    });

    it('refuses an answer with fewer vectors than texts', async () => {
      server.enqueue({ embeddings: [Array.from(localEmbedding('a', 384))] });
      expect(await providerFailureOf(provider().embed(['a', 'b']))).to.include({ code: 'PROVIDER_BAD_RESPONSE' });
    });

    it('scales a server\'s vectors to length 1', async () => {
      server.enqueue({ embeddings: [[3, 4, ...Array.from({ length: 382 }, () => 0)]] });
      const [vector] = (await provider().embed(['a'])).vectors;
      expect(Array.from(vector!.slice(0, 3))).to.deep.equal([Math.fround(0.6), Math.fround(0.8), 0]);
    });

    it('never repeats the API key in an error, even when the server echoes it (401)', async () => {
      server.enqueue({ status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}` } } });
      const error = await providerFailureOf(provider().embed(['a']));
      expect(error).to.include({ code: 'PROVIDER_UNAUTHORIZED' });
      for (const text of [error.message, (error.cause as APIError).message, JSON.stringify(error)]) expect(text).not.to.contain(KEY);
    });

    it('abandons an attempt that hangs after timeoutMs: PROVIDER_TIMEOUT when every attempt does', async () => {
      server.enqueue({ hang: true }, { hang: true });
      const started = Date.now();
      expect(await providerFailureOf(provider({ timeoutMs: 150, maxRetries: 1 }).embed(['a']))).to.include({ code: 'PROVIDER_TIMEOUT' });
      expect(Date.now() - started).to.be.lessThan(5000);
    });

    it('reports PROVIDER_UNREACHABLE when nothing listens', async () => {
      const nobody = provider({ baseURL: 'http://127.0.0.1:1/v1', maxRetries: 0 });
      expect(await providerFailureOf(nobody.embed(['a']))).to.include({ code: 'PROVIDER_UNREACHABLE', kind: 'unavailable' });
    });
  });
});
