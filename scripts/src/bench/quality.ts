import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from '@agent-platform/infra';
import { withCleanup } from './cleanup.js';
import { createBenchDatabase } from './database.js';
import { bm25Ranking } from './qualityBm25.js';
import { buildCorpus, type Passage } from './qualityCorpus.js';
import { meanScores, scoreQuery, type Judgements, type QueryScores } from './qualityMetrics.js';
import { buildQueries, type Query } from './qualityQueries.js';
import { startServerProcess } from './serverProcess.js';

export const QUERY_COUNT = 400;
export const QUERY_SEED = 14;
const TOP_K = 10;
const CLIENTS = 4;
const INDEX_TIMEOUT_MS = 15 * 60_000;

export type Ranking = 'weighted' | 'rrf' | 'bm25';
/** Each ranking's means over all queries, the even-numbered and the odd-numbered ones. */
export type QualityResult = {
  documents: number;
  queries: number;
  indexSeconds: number;
  embedding: string;
  scores: Record<Ranking, { all: QueryScores; even: QueryScores; odd: QueryScores; perQuery: readonly QueryScores[] }>;
};

type Api = { post: (path: string, body: unknown) => Promise<any>; get: (path: string) => Promise<any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

const apiOf = (url: string): Api => {
  const headers = { 'content-type': 'application/json', 'x-workspace-id': 'bench-quality' };
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return { body: JSON.parse(text), headers: response.headers };
  };
  return { post: async (path, body) => (await call('POST', path, body)).body, get: async (path) => (await call('GET', path)).body };
};

/** `work` over `items` by `clients` workers, the answers in the items' order. */
const pooled = async <T, R>(items: readonly T[], clients: number, work: (item: T) => Promise<R>): Promise<R[]> => {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await work(items[i]!);
  };
  await Promise.all(Array.from({ length: clients }, worker));
  return out;
};

/** Every document of the base, page by page, until each one's indexer recorded `indexed` (a `failed` one ends the run). */
const waitUntilIndexed = async (api: Api, baseId: string, count: number): Promise<void> => {
  for (const deadline = Date.now() + INDEX_TIMEOUT_MS; Date.now() < deadline; await sleep(1000)) {
    let indexed = 0;
    for (let cursor: string | null | undefined; ; ) {
      const page = await api.get(`/knowledge/documents?knowledge_base_id=${baseId}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      for (const d of page.items as { status: string; chunk_count: number | null; error: string | null }[]) {
        if (d.status === 'failed') throw new Error(`a document failed to index: ${d.error}`);
        // One chunk per document, so a hit is a document and the judgements hold as they are.
        if (d.status === 'indexed' && d.chunk_count !== 1) throw new Error(`a document was cut into ${d.chunk_count} chunks, not 1`);
        if (d.status === 'indexed') indexed++;
      }
      cursor = page.next_cursor;
      if (!cursor) break;
    }
    if (indexed === count) return;
  }
  throw new Error(`the documents were not all indexed within ${INDEX_TIMEOUT_MS / 60_000} min`);
};

/** Grade 2 for the passage the query came from, 1 for the other passages of its address. */
const judgementsOf = (query: Query, corpus: readonly Passage[]): Judgements => {
  const source = corpus.find((p) => p.id === query.passageId)!;
  return new Map(corpus.filter((p) => p.address === source.address).map((p) => [p.id, p.id === source.id ? 2 : 1]));
};

const summarise = (queries: readonly Query[], perQuery: readonly QueryScores[]) => ({
  all: meanScores(perQuery),
  even: meanScores(perQuery.filter((_, i) => queries[i]!.id % 2 === 0)),
  odd: meanScores(perQuery.filter((_, i) => queries[i]!.id % 2 === 1)),
  perQuery,
});

/**
 * Retrieval quality of `POST /knowledge/search` on the default (local) embedding: the labelled set goes
 * into a base of the all-in-one server (its own process, its own database, the in-process bus) through
 * the HTTP API, each passage one document of one chunk, and every query is searched with both fusions.
 * The same passages, each with its title as the platform indexes it, are ranked by plain BM25 in this
 * process, so the two see the same text.
 */
export const measureQuality = (admin: Pool, serverUrl: string): Promise<QualityResult> =>
  withCleanup(async (defer) => {
    const corpus = buildCorpus();
    const queries = buildQueries(corpus, QUERY_COUNT, QUERY_SEED);
    const database = await createBenchDatabase(admin, serverUrl);
    defer('drop the quality bench database', database.drop);
    const server = await startServerProcess({ AGENT_PLATFORM_DATABASE_URL: database.url, AGENT_PLATFORM_MASTER_KEY: randomBytes(32).toString('base64') });
    defer('stop the quality bench server', server.stop);
    const api = apiOf(server.url);

    const base = await api.post('/knowledge/bases', { code: 'sotu', name: 'State of the Union passages', chunk_size: 2000, chunk_overlap: 0 });
    const started = performance.now();
    const documentIds = await pooled(corpus, CLIENTS * 2, async (p) => {
      const added = await api.post('/knowledge/documents', { knowledge_base_id: base.id, title: p.title, content_text: p.text, source_type: 'text' });
      return added.id as string;
    });
    await waitUntilIndexed(api, base.id, corpus.length);
    const indexSeconds = (performance.now() - started) / 1000;
    const passageOf = new Map(documentIds.map((id, i) => [id, corpus[i]!.id]));
    const { embedding } = await api.get(`/knowledge/bases/${base.id}`);

    const search = (fusion: 'weighted' | 'rrf') =>
      pooled(queries, CLIENTS, async (q) => {
        const hits = (await api.post('/knowledge/search', { knowledge_base_id: base.id, query: q.text, top_k: TOP_K, fusion })) as { document_id: string }[];
        return scoreQuery(TOP_K, hits.map((h) => passageOf.get(h.document_id)!), judgementsOf(q, corpus));
      });
    const bm25 = bm25Ranking(corpus.map((p) => ({ id: p.id, text: `${p.title}\n${p.text}` })));
    const scores = {
      weighted: summarise(queries, await search('weighted')),
      rrf: summarise(queries, await search('rrf')),
      bm25: summarise(queries, queries.map((q) => scoreQuery(TOP_K, bm25(q.text, TOP_K), judgementsOf(q, corpus)))),
    };
    return { documents: corpus.length, queries: queries.length, indexSeconds, embedding: `${embedding.provider}/${embedding.model}, ${embedding.dimension} dimensions`, scores };
  });
