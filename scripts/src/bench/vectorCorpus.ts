import { createLocalEmbeddingProvider } from '@agent-platform/infra';

/** A document of the scale bench: its chunks' texts and embeddings, and the shard a filtered search asks for. */
export type CorpusDocument = { id: string; shard: number; texts: string[]; embeddings: Float32Array[] };

export type VectorCorpus = {
  dimension: number;
  /** `<provider>/<model>`, as the chunks are stored. */
  model: string;
  documents: CorpusDocument[];
  queries: Float32Array[];
  /** What embedding every text took, chunks per second. */
  embeddedPerSecond: number;
};

export const CHUNKS_PER_DOCUMENT = 10;
export const SHARDS = 10;
const TOPICS = 400;
const VOCABULARY = 6_000;
const TOPIC_WORDS = 40;

/** mulberry32: the same corpus on every run, so figures of two runs compare. */
export const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'do', 'fi', 'gu', 'he', 'ja', 'be', 'co', 'di', 'ex', 'qu'];

/**
 * Synthetic topical text: 400 topics of 40 words each over a 6,000-word vocabulary, and common words
 * drawn by Zipf's law, so chunks of a topic are near each other and the rest spread out, as real
 * documents do: an ANN index faces clusters, not uniform noise (on which every method looks alike).
 * Embedded by the platform's default local embedding, 384 dimensions.
 */
export const buildVectorCorpus = async (chunks: number, queries: number): Promise<VectorCorpus> => {
  const next = seeded(7);
  const words = Array.from({ length: VOCABULARY }, (_, i) => {
    let word = '';
    for (let n = i + 1; n > 0; n = Math.floor(n / SYLLABLES.length)) word += SYLLABLES[n % SYLLABLES.length];
    return word;
  });
  const zipf = (() => {
    const weights = words.map((_, i) => 1 / (i + 1));
    const total = weights.reduce((a, b) => a + b, 0);
    let sum = 0;
    const cumulative = weights.map((w) => (sum += w / total));
    return () => {
      const r = next();
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! < r) lo = mid + 1;
        else hi = mid;
      }
      return words[lo]!;
    };
  })();
  const topics = Array.from({ length: TOPICS }, () => Array.from({ length: TOPIC_WORDS }, () => words[Math.floor(next() * VOCABULARY)]!));
  const sentence = (topic: string[], length: number, topical: number) =>
    Array.from({ length }, () => (next() < topical ? topic[Math.floor(next() * topic.length)]! : zipf())).join(' ');

  const embeddings = createLocalEmbeddingProvider();
  const embedAll = async (texts: string[]): Promise<Float32Array[]> => {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += 500) out.push(...(await embeddings.embed(texts.slice(i, i + 500))).vectors.map((v) => Float32Array.from(v)));
    return out;
  };

  const started = performance.now();
  const documents: CorpusDocument[] = [];
  for (let d = 0; d * CHUNKS_PER_DOCUMENT < chunks; d++) {
    const topic = topics[Math.floor(next() * TOPICS)]!;
    const texts = Array.from({ length: CHUNKS_PER_DOCUMENT }, () => sentence(topic, 40 + Math.floor(next() * 40), 0.5));
    documents.push({ id: `00000000-0000-4000-8000-${d.toString(16).padStart(12, '0')}`, shard: d % SHARDS, texts, embeddings: await embedAll(texts) });
  }
  const embeddedPerSecond = (documents.length * CHUNKS_PER_DOCUMENT * 1000) / (performance.now() - started);
  const questions = Array.from({ length: queries }, () => sentence(topics[Math.floor(next() * TOPICS)]!, 6 + Math.floor(next() * 6), 0.7));
  const dimension = documents[0]!.embeddings[0]!.length;
  return { dimension, model: `${embeddings.name}/${embeddings.model}`, documents, queries: await embedAll(questions), embeddedPerSecond };
};

/** The exact `k` nearest chunk ids by cosine (the vectors are unit length), of the documents `keep` passes: recall's reference. */
export const exactTopK = (corpus: VectorCorpus, query: Float32Array, k: number, keep: (d: CorpusDocument) => boolean = () => true): string[] => {
  const best: { id: string; score: number }[] = [];
  for (const document of corpus.documents) {
    if (!keep(document)) continue;
    document.embeddings.forEach((embedding, index) => {
      let score = 0;
      for (let i = 0; i < embedding.length; i++) score += embedding[i]! * query[i]!;
      if (best.length < k || score > best[best.length - 1]!.score) {
        best.push({ id: `${document.id}:${index}`, score });
        best.sort((a, b) => b.score - a.score);
        if (best.length > k) best.pop();
      }
    });
  }
  return best.map((b) => b.id);
};
