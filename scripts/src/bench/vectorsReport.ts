import type { Outcome } from './measure.js';
import { formatTable, type Column } from './table.js';
import { K, type VectorPathResult } from './vectors.js';

/** The targets for 100,000 chunks of 384 dimensions. */
export const TARGET_P95_MS = 50;
export const TARGET_RECALL = 0.95;

const right = (title: string): Column => ({ title, align: 'right' });
const COLUMNS: Column[] = [
  { title: 'path', align: 'left' },
  ...['written chunks/s', 'ready s', 'p50 ms', 'p95 ms', `recall@${K}`, 'filtered p50', 'filtered p95', 'filtered recall'].map(right),
];

const ms = (n: number) => n.toFixed(1);
const recall = (n: number) => n.toFixed(3);

export const formatVectorsReport = (outcome: Outcome<VectorPathResult[]>, chunks: number, dimension: number, embeddedPerSecond: number, queries: number): string => {
  const title = `Vector search over ${chunks.toLocaleString('en-US')} chunks of ${dimension} dimensions (${queries} queries, top ${K}; filtered: metadata keeps one shard in ten)`;
  if (!('result' in outcome)) return `${title}\nnot measured: ${outcome.notMeasured}`;
  const rows = outcome.result.map((r) => [
    r.label,
    Math.round(r.writtenPerSecond).toLocaleString('en-US'),
    (r.readyMs / 1000).toFixed(1),
    ms(r.unfiltered.p50Ms),
    ms(r.unfiltered.p95Ms),
    recall(r.unfiltered.recall),
    ms(r.filtered.p50Ms),
    ms(r.filtered.p95Ms),
    recall(r.filtered.recall),
  ]);
  const verdicts = outcome.result.map((r) => {
    const worstP95 = Math.max(r.unfiltered.p95Ms, r.filtered.p95Ms);
    const worstRecall = Math.min(r.unfiltered.recall, r.filtered.recall);
    const met = worstP95 <= TARGET_P95_MS && worstRecall >= TARGET_RECALL;
    return `${r.label}: ${met ? 'met' : 'not met'} (worst p95 ${ms(worstP95)} ms, worst recall ${recall(worstRecall)})`;
  });
  return [
    title,
    formatTable(COLUMNS, rows),
    `Local embedding: ${Math.round(embeddedPerSecond).toLocaleString('en-US')} chunks/s (one thread). Recall against an exact scan; "ready": the first search after the writes (the in-process path loads the base then).`,
    `Targets: p95 ≤ ${TARGET_P95_MS} ms, recall@${K} ≥ ${TARGET_RECALL}.`,
    ...verdicts,
  ].join('\n');
};
