import { expect } from 'chai';
import { embeddingModelOf, embeddingUsedOf } from './port.js';

describe('the key of comparable vectors', () => {
  it('names the provider and the model, and gives both back, a model with a slash in its name too', () => {
    // Given the embeddings that made two vectors, when their key is made and read back, then it is the same provider and model
    for (const used of [
      { provider: 'local', model: 'local-hash-ngram-v1' },
      { provider: 'openai-compatible', model: 'nomic-ai/nomic-embed-text-v1.5' },
    ]) {
      expect(embeddingUsedOf(embeddingModelOf(used))).to.deep.equal(used);
    }
    expect(embeddingModelOf({ provider: 'local', model: 'm' })).not.to.equal(embeddingModelOf({ provider: 'openai-compatible', model: 'm' }));
  });
});
