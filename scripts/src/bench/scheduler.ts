import { LOG_START, createPool, createPostgresEventStore, type EventStore, type Pool } from '@agent-platform/infra';
import { measureAppends } from './appends.js';
import { withCleanup } from './cleanup.js';
import { createBenchDatabase } from './database.js';
import { outcomeOf, percentile, type Cell, type Outcome } from './measure.js';
import { openNats, uniqueNamespace } from './nats.js';
import { startServerProcess } from './serverProcess.js';
import { formatTable } from './table.js';

const WORKSPACE = 'ws-bench-scheduler';
const EVENT_TYPE = 'bench.tick';
const PRECISION_JOBS = Number(process.env.AGENT_PLATFORM_BENCH_SCHEDULER_JOBS ?? '1000');
const SUSTAINED_JOBS = Number(process.env.AGENT_PLATFORM_BENCH_SCHEDULER_SUSTAINED_JOBS ?? '6000');
/** Offered to the sustained part: its jobs are due evenly over SUSTAINED_JOBS / this many seconds. */
const SUSTAINED_RATE = 2000;
const CREATE_CLIENTS = 32;
/**
 * A job's first slot lies this far after the last create: every job is held in memory before it is due (the
 * lookahead is 30 s), and the relay and projectors have caught up with the creates, so the fires are measured
 * alone rather than beside a backlog of thousands of creates (3 s of lead cost the 1,000-job part half its rate).
 */
const LEAD_MS = 10_000;

/** Delays from `schedule_time`, in ms: to the fire recorded, and to its dispatch (the integration event appended). */
type Delays = { fired: number[]; dispatched: number[]; firstDispatch: number; lastDispatch: number };
export type SchedulerPart = { jobs: number; spreadMs: number; delays: Delays };
/** The machine's own limit beside the scheduler's: a fire of an event job is two appends (the event, then the fire with its outcome). */
const APPENDS_PER_FIRE = 2;
const APPEND_CLIENTS = 16;
export type SchedulerResult = { timers: { delays: number[] }; appends: Outcome<Cell>; precision: Outcome<SchedulerPart>; inProcess: Outcome<SchedulerPart>; sustained: Outcome<SchedulerPart> };

/**
 * The floor: the same 1,000 due times as plain `setTimeout`s in one process, the delay from each due time
 * to its callback. What the scheduler adds is the fire's append, the dispatch's and the outcome's.
 */
const timerFloor = async (jobs: number): Promise<number[]> => {
  const start = Date.now() + 500;
  const due = Array.from({ length: jobs }, (_, i) => start + (i * 1000) / jobs);
  return Promise.all(due.map((at) => new Promise<number>((resolve) => setTimeout(() => resolve(Date.now() - at), at - Date.now()))));
};

const post = async (baseUrl: string, path: string, body: unknown) => {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-workspace-id': WORKSPACE }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as { id: string };
};

/** How long creating `jobs` jobs takes here, from a probe of a few (due in a year, so they never fire during the run). */
const createTimeOf = async (baseUrl: string, jobs: number): Promise<number> => {
  const probe = 200;
  const began = Date.now();
  const later = new Date(Date.now() + 365 * 86_400_000).toISOString();
  let next = 0;
  await Promise.all(
    Array.from({ length: CREATE_CLIENTS }, async () => {
      for (let i = next++; i < probe; i = next++) await post(baseUrl, '/scheduler/jobs', { job_type: 'event', name: `probe ${i}`, schedule_time: later, payload_json: { event_type: 'bench.probe' } });
    }),
  );
  return ((Date.now() - began) / probe) * jobs * 1.5;
};

/** Creates `jobs` event jobs due evenly over `spreadMs` from a start after the creates end, then waits until each was dispatched. */
const schedule = async (baseUrl: string, store: EventStore, jobs: number, spreadMs: number): Promise<SchedulerPart> => {
  const start = Date.now() + (await createTimeOf(baseUrl, jobs)) + LEAD_MS;
  const dueTimes = new Map<string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: CREATE_CLIENTS }, async () => {
      for (let i = next++; i < jobs; i = next++) {
        const due = start + Math.floor((i * spreadMs) / jobs);
        const job = await post(baseUrl, '/scheduler/jobs', { job_type: 'event', name: `bench ${i}`, schedule_time: new Date(due).toISOString(), payload_json: { event_type: EVENT_TYPE } });
        dueTimes.set(job.id, due);
      }
    }),
  );
  if (Date.now() > start) throw new Error(`creating ${jobs} jobs took longer than the lead before their first slot`);
  const dispatchedAt = new Map<string, number>();
  const firedAt = new Map<string, number>();
  const deadline = start + spreadMs + 120_000;
  let from = LOG_START;
  while (dispatchedAt.size < jobs) {
    if (Date.now() > deadline) throw new Error(`only ${dispatchedAt.size} of ${jobs} jobs were dispatched within 2 minutes of their slot`);
    const page = await store.readAll({ after: from, limit: 5000, types: ['ScheduledJobFired', `integration.${EVENT_TYPE}`] });
    from = page.checkpoint;
    for (const event of page.events) {
      const data = event.data as { job_id?: string; aggregate_id?: string };
      if (event.type === 'ScheduledJobFired' && data.job_id && dueTimes.has(data.job_id)) firedAt.set(data.job_id, Date.parse(event.recorded_at));
      if (data.aggregate_id && dueTimes.has(data.aggregate_id)) dispatchedAt.set(data.aggregate_id, Date.parse(event.recorded_at));
    }
    if (page.events.length === 0) await new Promise((r) => setTimeout(r, 250));
  }
  const delaysOf = (at: Map<string, number>) => [...at].map(([id, t]) => t - dueTimes.get(id)!).sort((a, b) => a - b);
  const dispatchTimes = [...dispatchedAt.values()].sort((a, b) => a - b);
  return { jobs, spreadMs, delays: { fired: delaysOf(firedAt), dispatched: delaysOf(dispatchedAt), firstDispatch: dispatchTimes[0]!, lastDispatch: dispatchTimes.at(-1)! } };
};

/** The platform as `npm start` runs it, in a process of its own, on a database and NATS stream of the run's own. */
export const measureScheduler = async (admin: Pool, serverUrl: string, natsUrl: string): Promise<SchedulerResult> => {
  const timers = { delays: (await timerFloor(PRECISION_JOBS)).sort((a, b) => a - b) };
  const onPlatform = (jobs: number, spreadMs: number, broker: 'nats' | 'in-process' = 'nats') =>
    outcomeOf(() =>
      withCleanup(async (defer) => {
        const database = await createBenchDatabase(admin, serverUrl);
        defer('drop the scheduler bench database', database.drop);
        const env: Record<string, string> = { AGENT_PLATFORM_DATABASE_URL: database.url };
        if (broker === 'nats') {
          const namespace = uniqueNamespace();
          const nats = await openNats(natsUrl);
          defer('close the NATS connection', nats.close);
          defer(`delete NATS stream ${namespace.streamName}`, () => nats.deleteStream(namespace.streamName));
          Object.assign(env, { AGENT_PLATFORM_NATS_URL: natsUrl, AGENT_PLATFORM_NATS_STREAM: namespace.streamName, AGENT_PLATFORM_NATS_SUBJECT_PREFIX: namespace.subjectPrefix });
        }
        const platform = await startServerProcess(env);
        defer('stop the platform', platform.stop);
        const pool = createPool(database.url, 2);
        defer('close the client pool', () => pool.end());
        const store = createPostgresEventStore({ pool });
        defer('close the client store', () => store.close());
        return schedule(platform.url, store, jobs, spreadMs);
      }),
    );
  console.error(`scheduler: ${PRECISION_JOBS} jobs due in the same second`);
  const precision = await onPlatform(PRECISION_JOBS, 1000);
  console.error(`scheduler: ${PRECISION_JOBS} jobs due in the same second, in-process broker`);
  const inProcess = await onPlatform(PRECISION_JOBS, 1000, 'in-process');
  console.error(`scheduler: ${SUSTAINED_JOBS} jobs due at ${SUSTAINED_RATE}/s`);
  const sustained = await onPlatform(SUSTAINED_JOBS, (SUSTAINED_JOBS / SUSTAINED_RATE) * 1000);
  console.error(`scheduler: the append rate at ${APPEND_CLIENTS} clients, for comparison`);
  const appends = await outcomeOf(() =>
    withCleanup(async (defer) => {
      const database = await createBenchDatabase(admin, serverUrl);
      defer('drop the append bench database', database.drop);
      return measureAppends(database.url, APPEND_CLIENTS, 1, { warmupMs: 1000, durationMs: 5000 });
    }),
  );
  return { timers, appends, precision, inProcess, sustained };
};

const fixed = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const rateOf = (part: SchedulerPart) => ((part.jobs - 1) * 1000) / Math.max(1, part.delays.lastDispatch - part.delays.firstDispatch);

export const formatSchedulerReport = (result: SchedulerResult): string => {
  const { timers } = result;
  const rows = [[`floor: ${PRECISION_JOBS} setTimeouts in one process, due in the same second`, String(PRECISION_JOBS), '', fixed(percentile(timers.delays, 0.5)), fixed(percentile(timers.delays, 0.99)), '', '']];
  for (const [label, outcome] of [
    [`platform: ${PRECISION_JOBS} event jobs due in the same second`, result.precision],
    [`platform, in-process broker: ${PRECISION_JOBS} event jobs due in the same second`, result.inProcess],
    [`platform: ${SUSTAINED_JOBS} event jobs due at ${SUSTAINED_RATE}/s`, result.sustained],
  ] as const) {
    if ('result' in outcome) {
      const { delays } = outcome.result;
      rows.push([label, String(outcome.result.jobs), fixed(rateOf(outcome.result)), fixed(percentile(delays.dispatched, 0.5)), fixed(percentile(delays.dispatched, 0.99)), fixed(percentile(delays.fired, 0.5)), fixed(percentile(delays.fired, 0.99))]);
    } else rows.push([`${label}: not measured (${outcome.notMeasured})`, '', '', '', '', '', '']);
  }
  if ('result' in result.appends) {
    const { opsPerSecond } = result.appends.result;
    rows.push([`peer: append (1 event, ${APPEND_CLIENTS} clients) on the same server; ÷ ${APPENDS_PER_FIRE} appends per fire`, '', fixed(opsPerSecond / APPENDS_PER_FIRE), fixed(result.appends.result.p50Ms), fixed(result.appends.result.p99Ms), '', '']);
  } else rows.push([`peer: appends not measured (${result.appends.notMeasured})`, '', '', '', '', '', '']);
  const precise = 'result' in result.precision ? percentile(result.precision.result.delays.dispatched, 0.99) : Number.NaN;
  const rate = 'result' in result.sustained ? rateOf(result.sustained.result) : Number.NaN;
  return [
    '### Scheduler precision and throughput (schedule_time → dispatch; the platform on NATS JetStream unless said)',
    '',
    formatTable(
      [
        { title: 'measurement', align: 'left' },
        { title: 'jobs', align: 'right' },
        { title: 'fires/s', align: 'right' },
        { title: 'dispatch p50 ms', align: 'right' },
        { title: 'dispatch p99 ms', align: 'right' },
        { title: 'fired p50 ms', align: 'right' },
        { title: 'fired p99 ms', align: 'right' },
      ],
      rows,
    ),
    '',
    `Targets: p99 ≤ 250 ms from schedule_time to dispatch (${fixed(precise)} ms: ${precise <= 250 ? 'met' : 'not met'}), ` +
      `and ≥ 1,000 fires/s sustained (${fixed(rate)}/s: ${rate >= 1000 ? 'met' : 'not met'}). Dispatch is the job's integration event appended; ` +
      '"fired" is ScheduledJobFired, recorded before it. fires/s: jobs dispatched over the time from the first dispatch to the last.',
  ].join('\n');
};
