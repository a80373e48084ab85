import { expect } from 'chai';
import fc from 'fast-check';
import { chunkDocument } from './chunking.js';

const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe('chunking a document', () => {
  describe('given plain text', () => {
    const text = 'Refunds are available within seven days. Orders ship in two days. Support answers within an hour. Gift cards never expire.';

    it('packs whole sentences into chunks of at most chunkSize characters', () => {
      const chunks = chunkDocument(text, 'text', { chunkSize: 70, chunkOverlap: 0 });
      expect(chunks.map((c) => c.text)).to.deep.equal([
        'Refunds are available within seven days. Orders ship in two days.',
        'Support answers within an hour. Gift cards never expire.',
      ]);
      expect(chunks.map((c) => c.index)).to.deep.equal([0, 1]);
    });

    it('starts each chunk with the last whole sentences of the one before, up to chunkOverlap characters', () => {
      const chunks = chunkDocument(text, 'text', { chunkSize: 70, chunkOverlap: 35 });
      expect(chunks.map((c) => c.text)).to.deep.equal([
        'Refunds are available within seven days. Orders ship in two days.',
        'Orders ship in two days. Support answers within an hour.',
        'Support answers within an hour. Gift cards never expire.',
      ]);
    });

    it('cuts a sentence longer than a chunk between words, and never inside a surrogate pair', () => {
      const long = `${'word '.repeat(30)}end.`;
      const chunks = chunkDocument(long, 'text', { chunkSize: 40, chunkOverlap: 0 });
      expect(chunks.every((c) => c.text.length <= 40)).to.equal(true);
      expect(chunks.flatMap((c) => words(c.text))).to.deep.equal(words(long));
      const emoji = '😀'.repeat(30);
      const pieces = chunkDocument(emoji, 'text', { chunkSize: 7, chunkOverlap: 0 }).map((c) => c.text);
      expect(pieces.join('')).to.equal(emoji);
      expect(pieces.every((p) => !/[\uD800-\uDBFF]$/.test(p))).to.equal(true);
    });

    it('makes no chunk of an empty or blank document', () => {
      expect(chunkDocument('', 'text', { chunkSize: 100, chunkOverlap: 10 })).to.deep.equal([]);
      expect(chunkDocument(' \n\n\t', 'markdown', { chunkSize: 100, chunkOverlap: 10 })).to.deep.equal([]);
    });
  });

  describe('given markdown', () => {
    const markdown = [
      '# Policies',
      'Read these first.',
      '## Refunds',
      'Refunds are available within seven days.',
      '```sh',
      '# not a heading',
      '```',
      'Shipping',
      '--------',
      'Orders ship in two days.',
    ].join('\n');

    it('never lets a chunk span two sections, and names the headings each chunk sits under', () => {
      const chunks = chunkDocument(markdown, 'markdown', { chunkSize: 1000, chunkOverlap: 100 });
      expect(chunks.map((c) => [c.headings, c.text])).to.deep.equal([
        [['Policies'], 'Read these first.'],
        [['Policies', 'Refunds'], 'Refunds are available within seven days.\n```sh\n# not a heading\n```'],
        [['Policies', 'Shipping'], 'Orders ship in two days.'],
      ]);
    });
  });

  describe('given html', () => {
    it('reads the text of its sections by their headings, without scripts, styles or tags, entities decoded', () => {
      const html =
        '<html><head><title>t</title><style>p{color:red}</style></head><body><h1>Help</h1><h2>Refunds &amp; returns</h2>' +
        '<p>Refunds are available <b>within seven days</b>.</p><script>steal()</script><h2>Shipping</h2><ul><li>Two days.</li><li>Free over 50&nbsp;€.</li></ul></body></html>';
      const chunks = chunkDocument(html, 'html', { chunkSize: 1000, chunkOverlap: 0 });
      expect(chunks.map((c) => [c.headings, c.text])).to.deep.equal([
        [['Help', 'Refunds & returns'], 'Refunds are available within seven days.'],
        [['Help', 'Shipping'], 'Two days.\nFree over 50\u00a0€.'],
      ]);
    });
  });

  it('keeps every character of any text but whitespace, in order, in chunks no longer than chunkSize', () =>
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('. ', '! ', '\n\n', ' ', '? '), fc.stringMatching(/^[a-zA-Z0-9]{1,30}$/)), { maxLength: 200 }),
        fc.integer({ min: 20, max: 300 }),
        fc.integer({ min: 0, max: 150 }),
        (parts, chunkSize, chunkOverlap) => {
          const text = parts.join('');
          const chunks = chunkDocument(text, 'text', { chunkSize, chunkOverlap });
          expect(chunks.every((c) => c.text.length <= chunkSize)).to.equal(true);
          expect(chunks.map((c) => c.index)).to.deep.equal(chunks.map((_, i) => i));
          // Without overlap the chunks hold the text exactly once, in order (a word longer than a chunk is cut).
          const plain = chunkDocument(text, 'text', { chunkSize, chunkOverlap: 0 });
          expect(plain.map((c) => c.text.replace(/\s+/g, '')).join('')).to.equal(text.replace(/\s+/g, ''));
        },
      ),
      { numRuns: 300 },
    ));

  it('cuts a 3 MB document in seconds, keeping its text whole (Intl.Segmenter over the whole text at once is quadratic)', () => {
    const sentence = 'Refunds are reviewed by the billing team within seven days of the request. ';
    const text = sentence.repeat(Math.ceil(3_000_000 / sentence.length)) + 'x'.repeat(10_000);
    const started = Date.now();
    const chunks = chunkDocument(text, 'text', { chunkSize: 800, chunkOverlap: 0 });
    expect(Date.now() - started).to.be.lessThan(10_000);
    expect(chunks.map((c) => c.text.replace(/\s+/g, '')).join('')).to.equal(text.replace(/\s+/g, ''));
    expect(chunks.every((c) => c.text.length <= 800)).to.equal(true);
  });
});
