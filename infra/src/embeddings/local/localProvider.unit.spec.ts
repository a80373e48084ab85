import { expect } from 'chai';
import { embeddingProviderContract } from '../embeddings.contract.js';
import { LOCAL_EMBEDDING_MODEL } from './localEmbedding.js';
import { createLocalEmbeddingProvider } from './localProvider.js';

describe('the local embedding provider', () => {
  describe('the EmbeddingProvider contract', () => {
    embeddingProviderContract(async () => ({ provider: createLocalEmbeddingProvider() }), { deterministic: true });
  });

  it(`is local, ${LOCAL_EMBEDDING_MODEL}, of 384 dimensions unless told otherwise`, () => {
    expect(createLocalEmbeddingProvider()).to.include({ name: 'local', model: LOCAL_EMBEDDING_MODEL, dimension: 384 });
    expect(createLocalEmbeddingProvider({ dimension: 1536 }).dimension).to.equal(1536);
  });

  it('lets timers run while it embeds a large batch', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await createLocalEmbeddingProvider().embed(Array.from({ length: 8 }, (_, i) => `chunk ${i} `.repeat(30_000)));
    } finally {
      clearInterval(timer);
    }
    expect(ticks).to.be.greaterThan(2);
  });

  it('stops a batch between texts when its caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 5);
    // 12 MB: some seconds of work, of which about one text is done before the abort is noticed.
    const texts = Array.from({ length: 40 }, (_, i) => `chunk ${i} `.repeat(30_000));
    const started = Date.now();
    const error = await createLocalEmbeddingProvider().embed(texts, { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DOMException).with.property('name', 'AbortError');
    expect(Date.now() - started).to.be.lessThan(1000);
  });
});
