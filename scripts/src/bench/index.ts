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
 *
 * Every cell runs N workers (each with its own streams, so no conflicts) looping for a fixed time
 * after a warm-up, on a pg pool of N connections. Commits stay durable: synchronous_commit is never
 * changed, only reported. A CHECKPOINT before each cell keeps a checkpoint's write burst from
 * landing in one contender's window and not another's.
 */
import { createPool, type Pool } from '@agent-platform/infra';
import { measureAppends } from './appends.js';
import { createBenchDatabase } from './database.js';
import { measureEmmett } from './emmett.js';
import { measureHttp } from './http.js';
import { describeMachine } from './machine.js';
import type { Cell, Timing } from './measure.js';
import { measureRawInsert } from './rawInsert.js';
import { formatReport, type Kind, type RowResult } from './report.js';

const SERVER_URL = process.env.AGENT_PLATFORM_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.AGENT_PLATFORM_BENCH_SECONDS ?? '5');
const CONCURRENCIES = [1, 16, 64];
const HTTP_CLIENTS = 16;

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

/** Contenders alternate at each concurrency so drift hits them alike; Emmett goes last (see emmett.ts). */
const measureContenders = async (admin: Pool, databaseUrl: string, timing: Timing): Promise<RowResult[]> => {
  const schedule = (contenders: Contender[]) =>
    CONCURRENCIES.flatMap((concurrency) => contenders.map((contender) => ({ contender, concurrency })));
  const plan = [
    ...schedule(CONTENDERS.filter((c) => c.kind !== 'emmett')),
    ...schedule(CONTENDERS.filter((c) => c.kind === 'emmett')),
  ];
  const cells = new Map<Contender, Cell[]>(CONTENDERS.map((c) => [c, []]));
  for (const { contender, concurrency } of plan) {
    console.error(`measuring ${contender.label} with ${concurrency} clients`);
    await checkpoint(admin);
    cells.get(contender)!.push(await contender.measure(databaseUrl, concurrency, contender.batch, timing));
  }
  return CONTENDERS.map((c) => ({ label: c.label, kind: c.kind, batch: c.batch, cells: cells.get(c)! }));
};

const main = async (): Promise<void> => {
  if (!(SECONDS > 0)) throw new Error('AGENT_PLATFORM_BENCH_SECONDS must be a positive number');
  const timing: Timing = { warmupMs: Math.min(1000, SECONDS * 1000), durationMs: SECONDS * 1000 };
  const admin = createPool(SERVER_URL, 1);
  try {
    const database = await createBenchDatabase(admin, SERVER_URL);
    // Ctrl-C must not leave a bench database behind either.
    process.once('SIGINT', () => void database.drop().finally(() => process.exit(130)));
    try {
      const machine = await describeMachine(admin, SERVER_URL);
      const rows = await measureContenders(admin, database.url, timing);
      const label = `POST /sessions at ${HTTP_CLIENTS} concurrent clients`;
      console.error(`measuring ${label}`);
      await checkpoint(admin);
      const outcome = await measureHttp(database.url, HTTP_CLIENTS, timing);
      console.log(formatReport(machine, timing, rows, { label, clients: HTTP_CLIENTS, outcome }));
    } finally {
      await database.drop();
    }
  } finally {
    await admin.end();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
