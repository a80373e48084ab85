/**
 * `npm run bench`: how fast agent-platform's PostgreSQL event store appends, beside peers measured in
 * the same run on the same server, because a throughput figure means little without the machine's
 * own limit next to it.
 *
 * - agent-platform append, 1 event and a batch of 10: one statement that checks the expected version
 *   and the command id, inserts the events and records the command (plus the NOTIFY that follows).
 * - raw pg insert of the same rows into a copy of ap_events: the physical limit of one commit.
 * - Emmett's PostgreSQL event store appending the same events: the closest Node.js peer.
 * - POST /sessions through the all-in-one server: the whole command path as a client sees it.
 * - The relay, log to JetStream ack, beside a raw pipelined JetStream publish of the same messages.
 * - End-to-end lag, command accepted to processor handler invoked, at fixed offered rates.
 * - Agent-run overhead: a 3-step ReAct run through the platform (PostgreSQL, NATS) beside the same loop
 *   as a plain in-process function, against a zero-latency scripted model and tool.
 * - Vector search at scale: 100,000 chunks of 384 dimensions on both vector paths (in-process on
 *   PostgreSQL, pgvector HNSW on PGlite), p50/p95 and recall@10 against exact search.
 * - Retrieval quality: nDCG@10 of POST /knowledge/search over a labelled set, beside plain BM25 of
 *   the same documents.
 *
 * - Code-runner latency: `print(1)` and `console.log(1)` isolated (POST /code/run's sandbox) and bare.
 *
 * `npm run bench -- vectors` runs only the vector part (`AGENT_PLATFORM_BENCH_VECTOR_CHUNKS` sets its size),
 * `npm run bench -- scheduler` only the scheduler's precision and throughput,
 * `npm run bench -- quality` only the retrieval-quality part, `npm run bench -- code` only the code runner's
 * (`AGENT_PLATFORM_BENCH_CODE_RUNS` runs per program).
 *
 * Every cell runs N workers (each with its own streams, so no conflicts) looping for a fixed time
 * after a warm-up, on a pg pool of N connections. Commits stay durable: synchronous_commit is never
 * changed, only reported. A CHECKPOINT before each cell keeps a checkpoint's write burst from
 * landing in one contender's window and not another's. Databases and NATS streams are the run's own
 * and go at the end, also on failure, Ctrl-C or SIGTERM.
 */
import { createPool, loadConfig, type Pool } from '@agent-platform/infra';
import { measureAgentRuns } from './agentRuns.js';
import { formatAuthReport, measureAuth } from './auth.js';
import { formatAgentRunsReport } from './agentRunsReport.js';
import { formatSchedulerReport, measureScheduler } from './scheduler.js';
import { formatTeamRunsReport, measureTeamRuns } from './teams.js';
import { measureAppends } from './appends.js';
import { withCleanup } from './cleanup.js';
import { describeSandbox, measureCode } from './code.js';
import { formatCodeReport } from './codeReport.js';
import { createBenchDatabase } from './database.js';
import { measureEmmett } from './emmett.js';
import { measureHttp } from './http.js';
import { measureLag } from './lag.js';
import { describeHost, describeMachine } from './machine.js';
import { outcomeOf, type Cell, type Timing } from './measure.js';
import { describeNats } from './nats.js';
import { formatPipelineReport, type AppendRate } from './pipelineReport.js';
import { measureQuality } from './quality.js';
import { formatQualityReport } from './qualityReport.js';
import { measureRawInsert } from './rawInsert.js';
import { measureRelay } from './relay.js';
import { formatReport, type Kind, type RowResult } from './report.js';
import { buildVectorCorpus } from './vectorCorpus.js';
import { measureVectors, VECTOR_PATHS } from './vectors.js';
import { formatVectorsReport } from './vectorsReport.js';

const SERVER_URL = process.env.AGENT_PLATFORM_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NATS_URL = process.env.AGENT_PLATFORM_BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const SECONDS = Number(process.env.AGENT_PLATFORM_BENCH_SECONDS ?? '5');
const CONCURRENCIES = [1, 16, 64];
const HTTP_CLIENTS = 16;
const LAG_RATES = [500, 2_000];
/** The relay must keep up with these rows' sustained append rate. */
const APPEND_CLIENTS = 16;
const VECTOR_CHUNKS = Number(process.env.AGENT_PLATFORM_BENCH_VECTOR_CHUNKS ?? '100000');
const VECTOR_QUERIES = 200;
const CODE_RUNS = Number(process.env.AGENT_PLATFORM_BENCH_CODE_RUNS ?? '200');
/** `in-process,pgvector` (the default); one alone skips the other (pgvector on PGlite takes ~25 minutes at 100,000 chunks). */
const VECTOR_PATHS_ASKED = (process.env.AGENT_PLATFORM_BENCH_VECTOR_PATHS ?? VECTOR_PATHS.join(',')).split(',').map((p) => p.trim());
/** The parts named on the command line (`npm run bench -- vectors`), or every part. */
const PARTS = process.argv.slice(2);

type Contender = {
  label: string;
  kind: Kind;
  batch: number;
  measure: (databaseUrl: string, concurrency: number, batch: number, timing: Timing) => Promise<Cell>;
};

const CONTENDERS: Contender[] = [
  { label: 'agent-platform append (1 event)', kind: 'agent-platform', batch: 1, measure: measureAppends },
  { label: 'raw pg single-row insert', kind: 'raw', batch: 1, measure: measureRawInsert },
  { label: 'Emmett PostgreSQL event store (1 event)', kind: 'emmett', batch: 1, measure: measureEmmett },
  { label: 'agent-platform append (batch of 10)', kind: 'agent-platform', batch: 10, measure: measureAppends },
  { label: 'raw pg 10-row insert', kind: 'raw', batch: 10, measure: measureRawInsert },
  { label: 'Emmett PostgreSQL event store (batch of 10)', kind: 'emmett', batch: 10, measure: measureEmmett },
];

const checkpoint = async (admin: Pool): Promise<void> => {
  await admin.query('CHECKPOINT');
};

/** Contenders alternate at each concurrency, so drift hits them alike. */
const measureContenders = async (admin: Pool, databaseUrl: string, timing: Timing, contenders: Contender[]) => {
  const cells = new Map<Contender, Cell[]>(contenders.map((c) => [c, []]));
  for (const concurrency of CONCURRENCIES) {
    for (const contender of contenders) {
      console.error(`measuring ${contender.label} with ${concurrency} clients`);
      await checkpoint(admin);
      cells.get(contender)!.push(await contender.measure(databaseUrl, concurrency, contender.batch, timing));
    }
  }
  return cells;
};

const appendRates = (rows: readonly RowResult[]): AppendRate[] =>
  rows
    .filter((row) => row.kind === 'agent-platform')
    .flatMap((row) => {
      const cell = row.cells.find((c) => c.concurrency === APPEND_CLIENTS);
      return cell ? [{ name: row.label.replace('agent-platform ', ''), eventsPerSecond: cell.opsPerSecond * row.batch }] : [];
    });

const vectorsPart = async (admin: Pool): Promise<string> => {
  if (!(VECTOR_CHUNKS >= 1000)) throw new Error('AGENT_PLATFORM_BENCH_VECTOR_CHUNKS must be at least 1000');
  const paths = VECTOR_PATHS.filter((p) => VECTOR_PATHS_ASKED.includes(p));
  if (paths.length !== VECTOR_PATHS_ASKED.length) throw new Error(`AGENT_PLATFORM_BENCH_VECTOR_PATHS takes ${VECTOR_PATHS.join(', ')}`);
  console.error(`vectors: embedding ${VECTOR_CHUNKS} chunks and ${VECTOR_QUERIES} queries`);
  const corpus = await buildVectorCorpus(VECTOR_CHUNKS, VECTOR_QUERIES);
  const outcome = await outcomeOf(() => measureVectors(admin, SERVER_URL, corpus, paths));
  return formatVectorsReport(outcome, VECTOR_CHUNKS, corpus.dimension, corpus.embeddedPerSecond, VECTOR_QUERIES);
};

/** `npm run bench -- vectors`: only the vector part, with the machine it ran on. */
const vectorsOnly = (): Promise<void> =>
  withCleanup(async (defer) => {
    const admin = createPool(SERVER_URL, 1);
    defer('close the admin pool', () => admin.end());
    const machine = await describeMachine(admin, SERVER_URL);
    const report = await vectorsPart(admin);
    console.log(`${machine.join('\n')}\n\n${report}`);
  });

/**
 * Emmett goes last (see emmett.ts): its driver changes pg's process-wide type parsers, which the relay,
 * lag and agent-run parts read the log through as well. The HTTP server is a child process of its own.
 */
const main = (): Promise<void> =>
  withCleanup(async (defer) => {
    if (!(SECONDS > 0)) throw new Error('AGENT_PLATFORM_BENCH_SECONDS must be a positive number');
    const timing: Timing = { warmupMs: Math.min(1000, SECONDS * 1000), durationMs: SECONDS * 1000 };
    const lagTiming: Timing = { warmupMs: timing.warmupMs, durationMs: 2 * timing.durationMs };
    const admin = createPool(SERVER_URL, 1);
    defer('close the admin pool', () => admin.end());
    const database = await createBenchDatabase(admin, SERVER_URL);
    defer('drop the bench database', database.drop);
    const machine = [...(await describeMachine(admin, SERVER_URL)), await describeNats(NATS_URL)];

    const cells = await measureContenders(admin, database.url, timing, CONTENDERS.filter((c) => c.kind !== 'emmett'));
    console.error('measuring the relay');
    const relay = await outcomeOf(() => measureRelay(admin, SERVER_URL, NATS_URL));
    console.error('measuring end-to-end lag');
    const lag = await outcomeOf(() => measureLag(admin, SERVER_URL, NATS_URL, LAG_RATES, lagTiming));
    console.error('measuring agent-run overhead');
    const agentRuns = await outcomeOf(() => measureAgentRuns(admin, SERVER_URL, NATS_URL, CONCURRENCIES, timing));
    const emmett = await measureContenders(admin, database.url, timing, CONTENDERS.filter((c) => c.kind === 'emmett'));
    const rows: RowResult[] = CONTENDERS.map((c) => ({
      label: c.label,
      kind: c.kind,
      batch: c.batch,
      cells: cells.get(c) ?? emmett.get(c)!,
    }));

    const label = `POST /sessions at ${HTTP_CLIENTS} concurrent clients`;
    console.error(`measuring ${label}`);
    // A database of its own: on the append cells' one, the server's relay, processors and projectors
    // would spend the window catching up on their hundreds of thousands of events.
    const httpDatabase = await createBenchDatabase(admin, SERVER_URL);
    defer('drop the HTTP bench database', httpDatabase.drop);
    await checkpoint(admin);
    const outcome = await measureHttp(httpDatabase.url, HTTP_CLIENTS, timing);
    console.log(formatReport(machine, timing, rows, { label, clients: HTTP_CLIENTS, outcome }));
    console.log(`\n${formatPipelineReport(relay, appendRates(rows), lag, lagTiming)}`);
    console.log(`\n${formatAgentRunsReport(agentRuns, timing)}`);
    console.error('measuring team-run overhead');
    console.log(`\n${formatTeamRunsReport(await measureTeamRuns(admin, SERVER_URL, NATS_URL, timing), timing)}`);
    console.error('measuring the scheduler');
    console.log(`\n${formatSchedulerReport(await measureScheduler(admin, SERVER_URL, NATS_URL))}`);
    console.error('measuring vector search');
    console.log(`\n${await vectorsPart(admin)}`);
    console.error('measuring retrieval quality');
    console.log(`\n${formatQualityReport(await outcomeOf(() => measureQuality(admin, SERVER_URL)))}`);
    console.error('measuring code-runner latency');
    console.log(`\n${await codePart()}`);
  });

/** `npm run bench -- quality`: the retrieval-quality part alone, with the machine it ran on. */
const qualityOnly = (): Promise<void> =>
  withCleanup(async (defer) => {
    const admin = createPool(SERVER_URL, 1);
    defer('close the admin pool', () => admin.end());
    const machine = await describeMachine(admin, SERVER_URL);
    console.log([...machine, '', formatQualityReport(await outcomeOf(() => measureQuality(admin, SERVER_URL)))].join('\n'));
  });

/** The code runner's part, with the configuration `npm start` would use (the interpreter, the limits). */
const codePart = async (): Promise<string> => {
  if (!(CODE_RUNS >= 10)) throw new Error('AGENT_PLATFORM_BENCH_CODE_RUNS must be at least 10');
  return formatCodeReport(await outcomeOf(() => measureCode(loadConfig(), CODE_RUNS)), CODE_RUNS);
};

/** `npm run bench -- code`: the code-runner part alone, with the machine it ran on; it needs no database. */
const codeOnly = async (): Promise<void> => {
  const machine = [...(await describeHost()), await describeSandbox(loadConfig())];
  console.log([...machine, '', await codePart()].join('\n'));
};


/** `npm run bench -- teams`: team-run overhead alone: a 4-member parallel team beside the same fan-out in process. */
const teamsOnly = (): Promise<void> =>
  withCleanup(async (defer) => {
    const timing: Timing = { warmupMs: Math.min(1000, SECONDS * 1000), durationMs: SECONDS * 1000 };
    const admin = createPool(SERVER_URL, 1);
    defer('close the admin pool', () => admin.end());
    const machine = [...(await describeMachine(admin, SERVER_URL)), await describeNats(NATS_URL)];
    const result = await measureTeamRuns(admin, SERVER_URL, NATS_URL, timing);
    console.log([...machine, '', formatTeamRunsReport(result, timing)].join('\n'));
  });

/** `npm run bench -- auth`: permission checks (decided on the streams) beside a read-model read of the same user. */
const authOnly = (): Promise<void> =>
  withCleanup(async (defer) => {
    const timing: Timing = { warmupMs: Math.min(1000, SECONDS * 1000), durationMs: SECONDS * 1000 };
    const admin = createPool(SERVER_URL, 1);
    defer('close the admin pool', () => admin.end());
    const machine = await describeMachine(admin, SERVER_URL);
    console.log([...machine, '', formatAuthReport(await measureAuth(admin, SERVER_URL, [1, 16], timing), timing)].join('\n'));
  });

/** `npm run bench -- scheduler`: the delay from schedule_time to dispatch and the sustained fires/s, beside plain timers. */
const schedulerOnly = (): Promise<void> =>
  withCleanup(async (defer) => {
    const admin = createPool(SERVER_URL, 1);
    defer('close the admin pool', () => admin.end());
    const machine = [...(await describeMachine(admin, SERVER_URL)), await describeNats(NATS_URL)];
    console.log([...machine, '', formatSchedulerReport(await measureScheduler(admin, SERVER_URL, NATS_URL))].join('\n'));
  });

const parts: Record<string, () => Promise<void>> = { vectors: vectorsOnly, quality: qualityOnly, code: codeOnly, teams: teamsOnly, scheduler: schedulerOnly, auth: authOnly };

const run = async (): Promise<void> => {
  if (PARTS.length === 0) return main();
  for (const name of PARTS) {
    const part = parts[name];
    if (!part) throw new Error(`no bench part ${name}; the parts: ${Object.keys(parts).join(', ')}`);
    await part();
  }
};

run().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
