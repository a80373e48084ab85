import { expect } from 'chai';
import { LOCAL_EMBEDDING_MODEL, localEmbedding } from './localEmbedding.js';

const embed = (text: string, dimension = 384) => localEmbedding(text, dimension);
const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
const similarity = (a: string, b: string) => cosine(embed(a), embed(b));
const lengthOf = (v: Float32Array) => Math.sqrt(cosine(v, v));
/** The texts of `documents` from the nearest to `query` to the farthest. */
const ranked = (query: string, documents: string[]) =>
  documents.map((text) => ({ text, score: similarity(query, text) })).sort((a, b) => b.score - a.score).map((d) => d.text);

describe(`the local embedding (${LOCAL_EMBEDDING_MODEL})`, () => {
  describe('ranking', () => {
    it('ranks refund texts, a paraphrase with other word forms among them, above texts on other things', () => {
      const refunds = ['Refunds are available within seven days for eligible orders.', 'refunds are possible within 7 days of purchase'];
      const others = [
        'Shipping takes five to seven business days.',
        'The cat slept on the warm windowsill all afternoon.',
        'How do I reset my password?',
        'Our office is closed on public holidays.',
      ];
      expect(ranked('refund within seven days', [...others, ...refunds]).slice(0, 2)).to.have.members(refunds);
    });

    it('finds the forms of a word alike (refund, refunds, refunded), which a hash of whole words would not', () => {
      for (const form of ['refunds', 'refunded', 'Refunding']) expect(similarity('refund', form), form).to.be.greaterThan(0.2);
      expect(Math.abs(similarity('refund', 'weather'))).to.be.lessThan(0.1);
    });

    it('weighs a repeated word sublinearly: said ten times, it does not drown the word said once', () => {
      expect(similarity(`${'refund '.repeat(10)}policy`, 'policy')).to.be.greaterThan(0.25);
    });

    it('counts word order: of two texts with the same words, the one with the phrase is nearer', () => {
      expect(similarity('new york', 'a hotel in new york')).to.be.greaterThan(similarity('new york', 'a new hotel in york') + 0.02);
    });

    it('ranks within other scripts: Russian word forms, Japanese without spaces', () => {
      expect(ranked('возврат в течение семи дней', ['погода сегодня солнечная', 'возвраты возможны в течение семи дней'])[0]).to.equal(
        'возвраты возможны в течение семи дней',
      );
      expect(ranked('返金は7日以内に可能です', ['今日の天気は晴れです', '7日以内の返金'])[0]).to.equal('7日以内の返金');
      expect(ranked('退款', ['今天天气很好', '我们提供退款服务'])[0]).to.equal('我们提供退款服务');
    });
  });

  describe('normalising', () => {
    it('ignores case, accents, punctuation and spacing', () => {
      expect(Array.from(embed('Café — RÉSUMÉ!!  (draft)'))).to.deep.equal(Array.from(embed('cafe resume draft')));
    });

    it('folds compatibility forms (NFKC): full-width letters and digits, ligatures', () => {
      expect(Array.from(embed('Ｒｅｆｕｎｄ ７ days'))).to.deep.equal(Array.from(embed('refund 7 days')));
      expect(Array.from(embed('ﬁle'))).to.deep.equal(Array.from(embed('file')));
    });

    it('embeds decomposed text as its composed form (Hangul, accents), and keeps the marks of other scripts', () => {
      expect(Array.from(embed('환불 정책'.normalize('NFD')))).to.deep.equal(Array.from(embed('환불 정책')));
      expect(Array.from(embed('cafe\u0301'))).to.deep.equal(Array.from(embed('café')));
      // Devanagari vowel signs are marks too, but letters of their words: dropping them would merge words.
      expect(similarity('किताब', 'कतब')).to.be.lessThan(0.9);
    });
  });

  describe('the vector', () => {
    it('has the requested dimension and length 1', () => {
      for (const dimension of [8, 384, 1536]) {
        const vector = embed('refund within seven days', dimension);
        expect(vector).to.have.length(dimension);
        expect(lengthOf(vector)).to.be.closeTo(1, 1e-6);
      }
    });

    it('is the same on every machine and in every version of v1: its largest components are pinned', () => {
      // Stored vectors depend on these numbers: a change here is a new model, named -v2 (see LOCAL_EMBEDDING_MODEL).
      const round = (x: number) => Number(x.toFixed(4)) + 0;
      const vector = embed('Refunds are available within seven days for eligible orders.');
      const largest = Array.from(vector, (x, i) => [i, round(x)] as const).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]) || a[0] - b[0]);
      expect(largest.slice(0, 8)).to.deep.equal([[310, 0.3603], [227, -0.2867], [264, -0.2867], [50, 0.2354], [109, 0.2354], [203, 0.2354], [333, 0.2354], [344, 0.2354]]);
    });

    it('is the zero vector for a text with nothing to embed (empty, spaces, punctuation)', () => {
      for (const text of ['', '   \n\t', '!?…—()']) {
        const vector = embed(text);
        expect(vector).to.have.length(384);
        expect(vector.every((x) => x === 0), JSON.stringify(text)).to.equal(true);
      }
    });

    it('embeds 1 MB of text, of few words or of many, in a few seconds', () => {
      const repetitive = 'refund policy for eligible orders '.repeat(30_000);
      const varied = Array.from({ length: 170_000 }, (_, i) => `w${((i * 2_654_435_761) % 1_000_003).toString(36)}`).join(' ');
      for (const text of [repetitive, varied]) {
        expect(text.length).to.be.greaterThan(1_000_000);
        const started = Date.now();
        expect(lengthOf(embed(text))).to.be.closeTo(1, 1e-6);
        expect(Date.now() - started).to.be.lessThan(8000);
      }
      expect(similarity(repetitive, 'refund policy')).to.be.greaterThan(0.5);
    });
  });
});
