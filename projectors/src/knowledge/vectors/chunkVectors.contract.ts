import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Knex } from '@agent-platform/infra';
import { deleteDocumentChunks, saveDocumentChunks } from '../chunks.js';
import type { ChunkVectors } from './port.js';

/** What a contract run needs: a database with the knowledge tables, and the adapter under test over it. */
export type ChunkVectorsSubject = { knex: () => Knex; vectors: () => ChunkVectors };

const DIMENSION = 8;
const MODEL = 'local/contract';

/** A deterministic stream of numbers in [0, 1) (mulberry32): the same vectors on every run. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const unit = (v: number[]): number[] => {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};
const cosine = (a: readonly number[], b: readonly number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

/**
 * The guarantees every `ChunkVectors` adapter gives (port.ts), run against each: nearest by cosine, best
 * first; only the query's workspace, base and model; a metadata filter that still yields a full `k`; the
 * newest revision of a document only; nothing of a deleted document.
 */
export const describeChunkVectorsContract = (name: string, subject: ChunkVectorsSubject) =>
  describe(`chunk vectors contract: ${name}`, function () {
    this.timeout(120_000);
    const next = random(42);
    const vectorOf = () => unit(Array.from({ length: DIMENSION }, () => next() * 2 - 1));

    const save = async (base: { workspaceId: string; knowledgeBaseId: string }, documentId: string, embeddings: number[][], options: { revision?: number; metadata?: Record<string, unknown>; model?: string } = {}) =>
      saveDocumentChunks(subject.knex(), {
        ...base,
        documentId,
        revision: options.revision ?? 1,
        title: 'contract',
        metadata: options.metadata ?? {},
        embeddingModel: options.model ?? MODEL,
        chunks: embeddings.map((embedding, index) => ({ index, text: `chunk ${index}`, headings: [], embedding })),
      });
    const search = (base: { workspaceId: string; knowledgeBaseId: string }, vector: number[], k: number, extra: { metadataFilter?: Record<string, unknown>; model?: string } = {}) =>
      subject.vectors().search({ ...base, model: extra.model ?? MODEL, vector, k, ...(extra.metadataFilter ? { metadataFilter: extra.metadataFilter } : {}) });
    const freshBase = () => ({ workspaceId: `ws-${randomUUID()}`, knowledgeBaseId: randomUUID() });

    it('given 300 chunks, when searched, then the k nearest by cosine come first, best first', async () => {
      const base = freshBase();
      const documents = Array.from({ length: 6 }, () => ({ id: randomUUID(), embeddings: Array.from({ length: 50 }, vectorOf) }));
      for (const d of documents) await save(base, d.id, d.embeddings);
      const query = vectorOf();
      const exact = documents
        .flatMap((d) => d.embeddings.map((e, i) => ({ id: `${d.id}:${i}`, score: cosine(e, query) })))
        .sort((a, b) => b.score - a.score)
        .slice(0, 5);
      const hits = await search(base, query, 5);
      expect(hits.map((h) => h.id)).to.deep.equal(exact.map((h) => h.id));
      hits.forEach((h, i) => expect(h.score).to.be.closeTo(exact[i]!.score, 1e-5));
    });

    it("given the same chunks in another workspace, base and model, when searched, then only the query's own are found", async () => {
      const base = freshBase();
      const embeddings = Array.from({ length: 5 }, vectorOf);
      const own = randomUUID();
      await save(base, own, embeddings);
      await save({ ...base, workspaceId: `ws-${randomUUID()}` }, randomUUID(), embeddings);
      await save({ ...base, knowledgeBaseId: randomUUID() }, randomUUID(), embeddings);
      await save(base, randomUUID(), embeddings, { model: 'other/model' });
      const hits = await search(base, embeddings[0]!, 10);
      expect(hits.map((h) => h.id.split(':')[0])).to.deep.equal(Array(5).fill(own));
      expect(await search(base, embeddings[0]!, 10, { model: 'unknown/model' })).to.deep.equal([]);
    });

    it('given 2,000 chunks of which 8 match a filter, all far from the query, when searched with the filter, then the full k of them', async () => {
      const base = freshBase();
      const query = vectorOf();
      // The matching chunks point away from the query: an index scan that ranks first and filters after meets none of them early.
      const far = Array.from({ length: 8 }, () => unit(query.map((x) => -x + (next() - 0.5) * 0.2)));
      for (let d = 0; d < 40; d++) await save(base, randomUUID(), Array.from({ length: 50 }, () => unit(query.map((x) => x + (next() - 0.5)))), { metadata: { tier: 'free' } });
      const gold = randomUUID();
      await save(base, gold, far, { metadata: { tier: 'gold' } });
      const hits = await search(base, query, 5, { metadataFilter: { tier: 'gold' } });
      expect(hits).to.have.length(5);
      expect(hits.every((h) => h.id.startsWith(gold))).to.equal(true);
    });

    it('given a document indexed again with fewer chunks, when searched, then only the new revision is found', async () => {
      const base = freshBase();
      const document = randomUUID();
      const first = Array.from({ length: 6 }, vectorOf);
      await save(base, document, first);
      const second = Array.from({ length: 2 }, vectorOf);
      await save(base, document, second, { revision: 2 });
      const hits = await search(base, first[5]!, 10);
      expect(hits.map((h) => h.id).sort()).to.deep.equal([`${document}:0`, `${document}:1`]);
      expect(hits.find((h) => h.id === `${document}:0`)!.score).to.be.closeTo(cosine(second[0]!, first[5]!), 1e-5);
    });

    it("given a deleted document, when searched, then none of its chunks, and the others' still", async () => {
      const base = freshBase();
      const [gone, kept] = [randomUUID(), randomUUID()];
      const embeddings = Array.from({ length: 3 }, vectorOf);
      await save(base, gone, embeddings);
      await save(base, kept, embeddings);
      await search(base, embeddings[0]!, 10); // an adapter that caches has seen the document
      await deleteDocumentChunks(subject.knex(), base.workspaceId, gone);
      const hits = await search(base, embeddings[0]!, 10);
      expect(hits.map((h) => h.id.split(':')[0])).to.deep.equal(Array(3).fill(kept));
    });

    it('given fewer chunks than k, when searched, then all of them', async () => {
      const base = freshBase();
      const document = randomUUID();
      await save(base, document, Array.from({ length: 3 }, vectorOf));
      expect(await search(base, vectorOf(), 10)).to.have.length(3);
    });
  });
