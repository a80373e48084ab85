import { expect } from 'chai';
import { normaliseText, wordsOf } from './tokens.js';

const words = (text: string) => wordsOf(normaliseText(text));

describe('the words the local embedding sees', () => {
  it('folds width, case and accents: full-width Ｃａｆé ＲÉＳＵＭÉ is cafe resume', () => {
    expect(normaliseText('Ｃａｆé ＲÉＳＵＭÉ')).to.equal('cafe resume');
  });

  it('leaves composed what it decomposed to drop accents: Hangul syllables, Japanese voiced kana', () => {
    for (const text of ['환불 정책', 'がっこう', 'ダウンロード']) expect(normaliseText(text)).to.equal(text);
  });

  it('splits on everything but letters, digits and marks', () => {
    expect(words("Refunds, within 7-day (customer's) window!")).to.deep.equal(['refunds', 'within', '7', 'day', 'customer', 's', 'window']);
  });

  it('makes each Chinese or Japanese character a word, and keeps other scripts in runs', () => {
    expect(words('退款须在七天内')).to.deep.equal(['退', '款', '须', '在', '七', '天', '内']);
    expect(words('iPhone 返金がっこう')).to.deep.equal(['iphone', '返', '金', 'が', 'っ', 'こ', 'う']);
    expect(words('환불 정책 возврат')).to.deep.equal(['환불', '정책', 'возврат']);
    expect(words('सात दिनों')).to.deep.equal(['सात', 'दिनों']);
  });
});
