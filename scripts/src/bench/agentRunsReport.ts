import { STEPS_PER_RUN, type AgentRunRow } from './agentRuns.js';
import type { Outcome, Timing } from './measure.js';
import { formatTable, type Column } from './table.js';

/** The target: platform overhead per step at p50 with one client. */
export const TARGET_MS_PER_STEP = 5;
const TARGET_CONCURRENCY = 1;

const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => n.toFixed(2);
const perStep = (platform: number, inProcess: number): number => (platform - inProcess) / STEPS_PER_RUN;

const right = (title: string): Column => ({ title, align: 'right' });

const COLUMNS: Column[] = [
  'clients',
  'platform runs/s',
  'platform p50',
  'platform p99',
  'in-process runs/s',
  'in-process p50',
  'in-process p99',
  'overhead/step p50',
  'overhead/step p99',
].map(right);

const SPLIT_COLUMNS: Column[] = ['clients', 'accept', 'pickup', 'execute', 'notice', 'execute − in-process', 'events/run'].map(right);

const verdict = (rows: readonly AgentRunRow[]): string => {
  const target = `Target: ≤ ${TARGET_MS_PER_STEP} ms platform overhead per step at p50 with ${TARGET_CONCURRENCY} client`;
  const row = rows.find((r) => r.concurrency === TARGET_CONCURRENCY);
  if (!row || !('result' in row.platform)) return `${target}: not measured.`;
  const overhead = perStep(row.platform.result.p50Ms, row.inProcess.p50Ms);
  return `${target}: ${overhead <= TARGET_MS_PER_STEP ? 'met' : 'not met'} (${ms(overhead)} ms).`;
};

const REFERENCE =
  'For reference (figures quoted in the issue, not measured here): Restate ≈ 17 ms per durable step, ' +
  'Temporal Cloud ≈ 100 ms minimum per workflow.';

export const formatAgentRunsReport = (outcome: Outcome<AgentRunRow[]>, timing: Timing): string => {
  const title = [
    `Agent-run overhead: a ${STEPS_PER_RUN}-step ReAct run (tool, tool, finish) against a zero-latency scripted model`,
    '(OpenAI API, official client) and HTTP tool, through the platform (POST /agents/runs, then POST /agents/runs/:id/execute',
    'until it answers the ended run; the all-in-one server in a child process, on PostgreSQL and NATS) and as a plain in-process function (the',
    `limit); ${timing.warmupMs / 1000} s warm-up, then ${timing.durationMs / 1000} s measured per cell; times in ms`,
  ];
  if (!('result' in outcome)) return [...title, '', `not measured: ${outcome.notMeasured}`, '', REFERENCE].join('\n');
  const rows = outcome.result;
  const table = rows.map((row) => {
    const local = [count(row.inProcess.opsPerSecond), ms(row.inProcess.p50Ms), ms(row.inProcess.p99Ms)];
    if (!('result' in row.platform)) return [String(row.concurrency), '-', '-', '-', ...local, '-', '-'];
    const p = row.platform.result;
    return [
      String(row.concurrency),
      count(p.opsPerSecond),
      ms(p.p50Ms),
      ms(p.p99Ms),
      ...local,
      ms(perStep(p.p50Ms, row.inProcess.p50Ms)),
      ms(perStep(p.p99Ms, row.inProcess.p99Ms)),
    ];
  });
  const reasons = rows.flatMap((row) => ('result' in row.platform ? [] : [{ clients: row.concurrency, why: row.platform.notMeasured }]));
  const missing =
    reasons.length === rows.length && reasons.every((r) => r.why === reasons[0]!.why)
      ? [`platform not measured: ${reasons[0]!.why}`]
      : reasons.map((r) => `platform with ${r.clients} clients not measured: ${r.why}`);
  const splits = rows.flatMap((row) => {
    if (!('result' in row.platform)) return [];
    const { split, eventsPerRun } = row.platform.result;
    return [
      [
        String(row.concurrency),
        ms(split.acceptMs),
        ms(split.pickupMs),
        ms(split.executeMs),
        ms(split.noticeMs),
        ms(split.executeMs - row.inProcess.p50Ms),
        String(eventsPerRun),
      ],
    ];
  });
  return [
    ...title,
    '',
    formatTable(COLUMNS, table),
    ...(missing.length ? ['', ...missing] : []),
    '',
    `overhead/step = (platform − in-process) / ${STEPS_PER_RUN} model steps, at the same percentile and clients.`,
    verdict(rows),
    REFERENCE,
    ...(splits.length
      ? [
          '',
          "Where a platform run's time went: medians over the measured runs, from the client's clock and the events'",
          'recorded_at (PostgreSQL now(), millisecond precision)',
          '',
          formatTable(SPLIT_COLUMNS, splits),
          '',
          'accept = t0 → POST /agents/runs answered; pickup = AgentRunQueued → AgentRunLeased (the eager start: planning reads, then lease and plan in one append);',
          `execute = AgentRunLeased → AgentRunCompleted (prepare, ${STEPS_PER_RUN} model and 2 tool calls, one append per`,
          'recorded step); notice = AgentRunCompleted → the client had execute\'s answer; execute − in-process = execute − in-process p50;',
          'events/run = events on the run\'s stream (one more, the answer, goes to the session).',
        ]
      : []),
  ].join('\n');
};
