import { expect } from 'chai';
import { loadConfig } from '../config.js';
import { ProviderError } from '../models/errors.js';
import { failingReply, scriptedServerPerSuite } from '../models/testing/scriptedServerPerSuite.js';
import { capturingLogger } from '../testing/logs.js';
import { createEmbeddingProvider } from './provider.js';


describe('the configured http embeddings, against a scripted server', () => {
  const server = scriptedServerPerSuite();
  const embeddings = (env: NodeJS.ProcessEnv = {}) => {
    const base = { AGENT_PLATFORM_EMBEDDING_PROVIDER: 'http', AGENT_PLATFORM_EMBEDDING_BASE_URL: server.baseURL, AGENT_PLATFORM_EMBEDDING_MODEL: 'm' };
    return createEmbeddingProvider(loadConfig({ ...base, AGENT_PLATFORM_EMBEDDING_MAX_RETRIES: '0', ...env }), capturingLogger().log);
  };

  it('asks for `dimensions` only when AGENT_PLATFORM_EMBEDDING_DIMENSION is set', async () => {
    await embeddings().embed(['a']);
    await embeddings({ AGENT_PLATFORM_EMBEDDING_DIMENSION: '256' }).embed(['a']);
    expect(server.requests.map((r) => (r.body as { dimensions?: number }).dimensions)).to.deep.equal([undefined, 256]);
  });

  it('sends AGENT_PLATFORM_EMBEDDING_BATCH_SIZE texts per request', async () => {
    await embeddings({ AGENT_PLATFORM_EMBEDDING_BATCH_SIZE: '2' }).embed(['a', 'b', 'c']);
    expect(server.requests.map((r) => (r.body as { input: string[] }).input)).to.deep.equal([['a', 'b'], ['c']]);
  });

  it('fails a call the server fails, unless AGENT_PLATFORM_EMBEDDING_FALLBACK=true: then the local embedding answers', async () => {
    server.enqueue(failingReply(500), failingReply(500));
    const error = await embeddings().embed(['a']).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ProviderError);
    const result = await embeddings({ AGENT_PLATFORM_EMBEDDING_FALLBACK: 'true', AGENT_PLATFORM_EMBEDDING_DIMENSION: '512' }).embed(['a']);
    expect(result.provider).to.equal('local');
    expect(result.vectors[0]).to.have.length(512);
  });
});
