import { expect } from 'chai';
import { ProviderError } from '../models/errors.js';
import type { EmbeddingProvider } from './port.js';

export type EmbeddingProviderFixture = {
  provider: EmbeddingProvider;
  teardown?: () => Promise<void>;
};
export type EmbeddingProviderFactory = () => Promise<EmbeddingProviderFixture>;
/** `deterministic`: the same text gets exactly the same vector (the local embedding, or a server answering with it). */
export type EmbeddingProviderContractOptions = { deterministic?: boolean };

/** The cosine of two vectors of length 1. */
const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
const lengthOf = (v: Float32Array): number => Math.sqrt(cosine(v, v));

const QUERY = 'refund within seven days';
const RELATED = 'Refunds are available within seven days for eligible orders.';
const UNRELATED = 'The cat slept on the warm windowsill all afternoon.';
const OTHER_SCRIPTS = ['Возврат возможен в течение семи дней.', '退款须在七天内申请。', 'يمكن استرداد المبلغ خلال سبعة أيام.', 'सात दिनों के भीतर धनवापसी संभव है।'];

/**
 * The behaviour every EmbeddingProvider adapter must show; run it once per adapter. It asks only what any
 * embedding model honours (a paraphrase is nearer than an unrelated text; a server's floats may differ in
 * the last digits from one request to the next), so it can also run against a real server.
 */
export const embeddingProviderContract = (factory: EmbeddingProviderFactory, options: EmbeddingProviderContractOptions = {}): void => {
  let fixture: EmbeddingProviderFixture;
  let provider: EmbeddingProvider;
  before(async () => {
    fixture = await factory();
    provider = fixture.provider;
  });
  after(async () => fixture?.teardown?.());

  const expectUnitVectors = (vectors: Float32Array[], count: number) => {
    expect(vectors).to.have.length(count);
    for (const vector of vectors) {
      expect(vector).to.be.instanceOf(Float32Array).with.length(provider.dimension);
      expect(vector.every(Number.isFinite)).to.equal(true);
      expect(lengthOf(vector)).to.be.closeTo(1, 1e-5);
    }
  };

  it('declares its name, its model and a whole positive dimension', () => {
    expect(provider.name).to.be.a('string').and.not.equal('');
    expect(provider.model).to.be.a('string').and.not.equal('');
    expect(Number.isInteger(provider.dimension) && provider.dimension > 0).to.equal(true);
  });

  it('gives one vector of length 1 per text, of `dimension` numbers, and says which provider and model made them', async () => {
    const result = await provider.embed([QUERY, RELATED, UNRELATED]);
    expectUnitVectors(result.vectors, 3);
    expect(result).to.include({ provider: provider.name, model: provider.model });
  });

  it('answers no texts with no vectors', async () => {
    expect((await provider.embed([])).vectors).to.deep.equal([]);
  });

  it('places a paraphrase nearer to a query than an unrelated text', async () => {
    const [query, related, unrelated] = (await provider.embed([QUERY, RELATED, UNRELATED])).vectors;
    expect(cosine(query!, related!)).to.be.greaterThan(cosine(query!, unrelated!) + 0.1);
  });

  it('keeps the order of the texts: a text gets the same vector alone, first or last', async () => {
    const [alone] = (await provider.embed([RELATED])).vectors;
    const [first, , last] = (await provider.embed([RELATED, UNRELATED, RELATED])).vectors;
    for (const vector of [first!, last!]) expect(cosine(alone!, vector)).to.be.greaterThan(0.999);
  });

  it('embeds more texts than one request carries, each in its place', async () => {
    const texts = Array.from({ length: 150 }, (_, i) => `order ${i}: ${i % 2 ? RELATED : UNRELATED}`);
    const { vectors } = await provider.embed(texts);
    expectUnitVectors(vectors, 150);
    for (const i of [0, 63, 64, 127, 128, 149]) {
      const [alone] = (await provider.embed([texts[i]!])).vectors;
      expect(cosine(alone!, vectors[i]!), `text ${i}`).to.be.greaterThan(0.999);
    }
  });

  it('embeds texts in other scripts (Cyrillic, Han, Arabic, Devanagari)', async () => {
    expectUnitVectors((await provider.embed(OTHER_SCRIPTS)).vectors, OTHER_SCRIPTS.length);
  });

  it('rejects a call aborted by its caller with the abort, not a ProviderError', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await provider.embed([QUERY], { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error).and.not.be.instanceOf(ProviderError);
  });

  // Declared only where it can hold: a real server's floats may vary in their last digits.
  if (options.deterministic) {
    it('gives exactly the same vector for the same text, call after call', async () => {
      const [once] = (await provider.embed([RELATED])).vectors;
      const [again] = (await provider.embed([RELATED])).vectors;
      expect(Array.from(again!)).to.deep.equal(Array.from(once!));
    });
  }
};
