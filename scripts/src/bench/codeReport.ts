import type { CodeLatency } from './code.js';
import type { Outcome } from './measure.js';
import { formatTable, type Column } from './table.js';

/** The targets: a run as fast as a microVM sandbox starts (Firecracker, E2B: 125–200 ms), mostly the interpreter's own time. */
export const TARGET_P50_MS = 150;
export const TARGET_ISOLATION_SHARE = 1 / 3;

const right = (title: string): Column => ({ title, align: 'right' });
const COLUMNS: Column[] = [
  { title: 'program', align: 'left' },
  ...['isolated p50 ms', 'isolated p99 ms', 'bare p50 ms', 'bare p99 ms', 'isolation share of p50'].map(right),
];

const ms = (n: number) => n.toFixed(1);
/** The part of an isolated run's median the sandbox adds: (isolated - bare) / isolated. */
const shareOf = (r: CodeLatency) => Math.max(0, r.isolated.p50Ms - r.bare.p50Ms) / r.isolated.p50Ms;

export const formatCodeReport = (outcome: Outcome<CodeLatency[]>, runs: number): string => {
  const title = `Code-runner latency: one program at a time, ${runs} runs each after a warm-up, isolated and bare alternating`;
  if (!('result' in outcome)) return `${title}\nnot measured: ${outcome.notMeasured}`;
  const rows = outcome.result.map((r) => [
    `${r.language}: ${r.program}`,
    ms(r.isolated.p50Ms),
    ms(r.isolated.p99Ms),
    ms(r.bare.p50Ms),
    ms(r.bare.p99Ms),
    `${(shareOf(r) * 100).toFixed(0)}%`,
  ]);
  const verdicts = outcome.result.map((r) => {
    const met = r.isolated.p50Ms <= TARGET_P50_MS && shareOf(r) < TARGET_ISOLATION_SHARE;
    return `${r.language}: ${met ? 'met' : 'not met'} (p50 ${ms(r.isolated.p50Ms)} ms, isolation ${(shareOf(r) * 100).toFixed(0)}% of it)`;
  });
  return [
    title,
    formatTable(COLUMNS, rows),
    'Isolated: POST /code/run\'s runner (bubblewrap, prlimit, the launcher). Bare: the same launcher and program, the interpreter spawned directly.',
    `Targets: p50 ≤ ${TARGET_P50_MS} ms, isolation < ${(TARGET_ISOLATION_SHARE * 100).toFixed(0)}% of the time.`,
    ...verdicts,
  ].join('\n');
};
