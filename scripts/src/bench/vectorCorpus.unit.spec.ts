import { expect } from 'chai';
import { buildVectorCorpus, CHUNKS_PER_DOCUMENT, exactTopK, SHARDS } from './vectorCorpus.js';

describe("the scale bench's vector corpus", function () {
  this.timeout(60_000);

  it('is the same on every run: documents of ten chunks over the shards, unit vectors of the local embedding', async () => {
    const [a, b] = [await buildVectorCorpus(200, 5), await buildVectorCorpus(200, 5)];
    expect(a.documents).to.have.length(200 / CHUNKS_PER_DOCUMENT);
    expect(new Set(a.documents.map((d) => d.shard)).size).to.equal(SHARDS);
    expect(a.documents[7]!.texts).to.deep.equal(b.documents[7]!.texts);
    expect(Array.from(a.queries[3]!)).to.deep.equal(Array.from(b.queries[3]!));
    expect(a.dimension).to.equal(384);
    expect(Math.hypot(...a.documents[0]!.embeddings[0]!)).to.be.closeTo(1, 1e-5);
  });

  it("ranks exactly: a chunk's own vector finds it first, and a filter keeps only its documents", async () => {
    const corpus = await buildVectorCorpus(200, 1);
    const target = corpus.documents[4]!;
    expect(exactTopK(corpus, target.embeddings[2]!, 3)[0]).to.equal(`${target.id}:2`);
    const kept = exactTopK(corpus, target.embeddings[2]!, 5, (d) => d.shard !== target.shard);
    expect(kept).to.have.length(5);
    expect(kept.some((id) => id.startsWith(target.id))).to.equal(false);
  });
});
