import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendCommand, sessionDecider } from '@agent-platform/command-api';
import { SESSIONS_CATEGORY, streamId } from '@agent-platform/contracts';
import {
  createKnex,
  createLogger,
  createNatsBroker,
  createPool,
  createPostgresEventStore,
  loadConfig,
  startRelay,
  type Broker,
  type EventStore,
  type Pool,
} from '@agent-platform/infra';
import { startProcessorRuntime, type Processor } from '@agent-platform/processors';
import { withCleanup } from './cleanup.js';
import { createBenchDatabase } from './database.js';
import { percentile, type Timing } from './measure.js';
import { openNats, uniqueNamespace } from './nats.js';

const WORKSPACE = 'workspace-bench';
/** The relay lingers as `npm start`'s does, so the lag is what the platform's consumers see. */
export const RELAY_LINGER_MS = loadConfig().AGENT_PLATFORM_RELAY_LINGER_MS;
const DRAIN_TIMEOUT_MS = 30_000;

export type LagCell = {
  offered: number;
  acceptedPerSecond: number;
  handledPerSecond: number;
  acceptP99Ms: number;
  relayedP99Ms: number;
  lagP50Ms: number;
  lagP99Ms: number;
};

type Command = { sessionId: string; scheduledAt: number; acceptedAt?: number };

const streamOf = (sessionId: string): string => streamId(SESSIONS_CATEGORY, sessionId);

const openSession = (store: EventStore, sessionId: string) =>
  sendCommand(
    store,
    sessionDecider,
    streamOf(sessionId),
    { type: 'OpenSession', data: { session_id: sessionId, app_id: 'app-1', user_id: 'user-1', channel_type: 'web', workspace_id: WORKSPACE } },
    { workspaceId: WORKSPACE, requestId: randomUUID() },
    { newStream: true },
  );

/**
 * Open loop: command i is due at start + i / rate, whether or not earlier ones were accepted, so a
 * slow system shows as latency, not as a lower offered rate. Timers fire about every millisecond, so
 * the commands due by then go out together; a tighter loop would take the CPU the system needs.
 */
const offer = async (store: EventStore, rate: number, timing: Timing): Promise<{ commands: Command[]; measureFrom: number }> => {
  const start = performance.now();
  const measureFrom = start + timing.warmupMs;
  const total = Math.round(((timing.warmupMs + timing.durationMs) * rate) / 1000);
  const commands: Command[] = [];
  const inFlight: Promise<void>[] = [];
  let failure: unknown;
  while (commands.length < total && failure === undefined) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    while (commands.length < due) {
      const command: Command = { sessionId: randomUUID(), scheduledAt: start + (commands.length * 1000) / rate };
      commands.push(command);
      inFlight.push(
        openSession(store, command.sessionId).then(
          () => void (command.acceptedAt = performance.now()),
          (error: unknown) => void (failure ??= error),
        ),
      );
    }
    await sleep(1);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  return { commands, measureFrom };
};

const perSecond = (count: number, from: number, until: number): number => (count * 1000) / (until - from);

/**
 * End-to-end lag at each offered rate: OpenSession through `sendCommand` (no HTTP), the relay on
 * NATS, and a processor runtime whose one processor notes when its handler sees each SessionOpened.
 * All of it runs in this process, as the all-in-one server runs it, on a stream of this run.
 */
export const measureLag = (admin: Pool, serverUrl: string, natsUrl: string, rates: readonly number[], timing: Timing) =>
  withCleanup(async (defer): Promise<LagCell[]> => {
    const database = await createBenchDatabase(admin, serverUrl);
    defer('drop the lag bench database', database.drop);
    const nats = await openNats(natsUrl);
    defer('close the NATS connection', nats.close);
    const ns = uniqueNamespace();
    defer(`delete NATS stream ${ns.streamName}`, () => nats.deleteStream(ns.streamName));

    const log = createLogger('silent');
    const pool = createPool(database.url);
    defer('close the lag pool', () => pool.end());
    const knex = createKnex(database.url);
    defer('close the lag knex', () => knex.destroy());
    const store = createPostgresEventStore({ pool, listenConnectionString: database.url });
    defer('close the event store', () => store.close());
    await store.ready;
    const broker = await createNatsBroker({ servers: natsUrl, ...ns });
    defer('close the lag broker', () => broker.close());
    // When JetStream acked each session's event splits the lag into the relay's part and the delivery's.
    const relayedAt = new Map<string, number>();
    const publish: Broker['publish'] = async (messages) => {
      const acks = await broker.publish(messages);
      const now = performance.now();
      for (const m of messages) relayedAt.set(m.key, now);
      return acks;
    };
    const relay = startRelay({ store, broker: { ...broker, publish }, knex, pool, log, lingerMs: RELAY_LINGER_MS });
    defer('stop the relay', relay.stop);
    const handledAt = new Map<string, number>();
    const probe: Processor = {
      group: 'bench-lag',
      types: ['SessionOpened'],
      handle: async (event) => {
        const { session_id } = event.data as { session_id: string };
        if (!handledAt.has(session_id)) handledAt.set(session_id, performance.now());
      },
    };
    const runtime = await startProcessorRuntime({ broker, store, knex, log }, [probe]);
    defer('stop the processor runtime', runtime.stop);

    const cells: LagCell[] = [];
    for (const rate of rates) {
      console.error(`  ${rate} commands/s offered`);
      const { commands, measureFrom } = await offer(store, rate, timing);
      for (const deadline = performance.now() + DRAIN_TIMEOUT_MS; commands.some((c) => !handledAt.has(c.sessionId)); await sleep(10)) {
        if (performance.now() > deadline) {
          const missing = commands.filter((c) => !handledAt.has(c.sessionId)).length;
          throw new Error(`${missing} of ${commands.length} SessionOpened events not handled ${DRAIN_TIMEOUT_MS / 1000} s after the last command`);
        }
      }
      const measured = commands.filter((c) => c.scheduledAt >= measureFrom);
      const accepted = measured.map((c) => c.acceptedAt!);
      const handled = measured.map((c) => handledAt.get(c.sessionId)!);
      const sorted = (values: number[]) => values.sort((a, b) => a - b);
      const lags = sorted(measured.map((c) => handledAt.get(c.sessionId)! - c.acceptedAt!));
      const acceptLatencies = sorted(measured.map((c) => c.acceptedAt! - c.scheduledAt));
      const relayLags = sorted(measured.map((c) => relayedAt.get(streamOf(c.sessionId))! - c.acceptedAt!));
      cells.push({
        offered: rate,
        acceptedPerSecond: perSecond(measured.length, measureFrom, Math.max(...accepted)),
        handledPerSecond: perSecond(measured.length, measureFrom, Math.max(...handled)),
        acceptP99Ms: percentile(acceptLatencies, 0.99),
        relayedP99Ms: percentile(relayLags, 0.99),
        lagP50Ms: percentile(lags, 0.5),
        lagP99Ms: percentile(lags, 0.99),
      });
    }
    return cells;
  });
