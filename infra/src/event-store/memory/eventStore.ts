import { randomUUID } from 'node:crypto';
import { ExpectedVersionConflict, IdempotencyKeyReused, type NewEvent, type RecordedEvent } from '@agent-platform/contracts';
import type { AppendOptions, AppendResult, EventStore } from '../port.js';
import { sharedSubscriptions, type PollingOptions } from '../subscription.js';
import { requireUpcast, type Upcaster } from '../upcasting.js';
import { createWakeupHub } from '../wakeups.js';
import { createLog } from './log.js';

export type InMemoryEventStoreOptions = {
  upcaster?: Upcaster;
  /** When each event is recorded; a spec passes a fixed clock to expect exact times in read models. */
  now?: () => Date;
  polling?: PollingOptions;
};

/** A transaction held open on purpose, so a spec can show a reader waits for it (as PostgreSQL's would). */
export type InMemoryTransaction = {
  append: (streamId: string, events: NewEvent[]) => Promise<void>;
  commit: () => Promise<void>;
  rollback: () => Promise<void>;
};

type CommandRecord = { streamId: string; fingerprint?: string; firstVersion: number; lastVersion: number; lastPosition: number };

/** What PostgreSQL's jsonb would give back: a copy, without `undefined` fields, that later changes of the caller's object do not reach. */
const stored = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
/** Each read hands out its own objects, as a database does: a caller that changes one cannot change the log. */
const copy = (e: RecordedEvent): RecordedEvent => ({ ...e, data: structuredClone(e.data), metadata: { ...e.metadata } });

/**
 * The EventStore port in memory, for decider, handler and projection specs: no database, no I/O, yet the
 * same contract (`eventStoreContract`) as the PostgreSQL store, gap safety included. Every method yields
 * to the event loop before it looks at the state, so concurrent callers interleave as they would
 * against a server, and an expected version read before another append conflicts.
 */
export type InMemoryEventStore = EventStore & {
  beginTransaction: () => InMemoryTransaction;
  /** Every committed event id, past the reader: what a spec of a reader compares its deliveries with. */
  allEventIds: () => string[];
};

export const createInMemoryEventStore = (options: InMemoryEventStoreOptions = {}): InMemoryEventStore => {
  const upcast = options.upcaster ?? ((e: RecordedEvent) => e);
  const upcastInStream = (e: RecordedEvent) => requireUpcast(upcast(copy(e)));
  const now = options.now ?? (() => new Date());
  const log = createLog();
  const streams = new Map<string, RecordedEvent[]>();
  const commands = new Map<string, CommandRecord>();
  const hub = createWakeupHub();
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

  const record = (transaction: bigint, streamId: string, events: readonly NewEvent[], positions: readonly number[]) => {
    const stream = streams.get(streamId) ?? [];
    const recordedAt = now().toISOString();
    const recorded = events.map(
      (e, i): RecordedEvent => ({
        global_position: positions[i]!,
        transaction_id: String(transaction),
        stream_id: streamId,
        stream_version: stream.length + i + 1,
        event_id: e.event_id ?? randomUUID(),
        type: e.type,
        schema_version: e.schema_version ?? 1,
        data: stored(e.data),
        metadata: stored(e.metadata),
        recorded_at: recordedAt,
      }),
    );
    streams.set(streamId, [...stream, ...recorded]);
    return recorded;
  };

  const replay = (commandId: string, prior: CommandRecord, fingerprint?: string): AppendResult => {
    if (prior.fingerprint && fingerprint && prior.fingerprint !== fingerprint) throw new IdempotencyKeyReused(commandId);
    const events = (streams.get(prior.streamId) ?? []).slice(prior.firstVersion - 1, prior.lastVersion).map(upcastInStream);
    return { streamId: prior.streamId, nextExpectedVersion: prior.lastVersion, lastPosition: prior.lastPosition, events, duplicate: true };
  };

  const append = async (streamId: string, events: NewEvent[], appendOptions: AppendOptions): Promise<AppendResult> => {
    if (events.length === 0) throw new Error('append needs at least one event');
    await tick();
    const { commandId, commandFingerprint, expectedVersion } = appendOptions;
    const prior = commandId ? commands.get(commandId) : undefined;
    if (prior) return replay(commandId!, prior, commandFingerprint);
    const current = streams.get(streamId)?.length ?? 0;
    const wanted = expectedVersion === 'any' ? current : expectedVersion === 'no_stream' ? 0 : expectedVersion;
    if (wanted !== current) throw new ExpectedVersionConflict(streamId, String(expectedVersion), current);
    const transaction = log.begin();
    const recorded = record(transaction, streamId, events, events.map(() => log.takePosition()));
    log.commit(transaction, recorded);
    const last = recorded.at(-1)!;
    if (commandId) {
      const entry = { firstVersion: recorded[0]!.stream_version, lastVersion: last.stream_version, lastPosition: last.global_position };
      commands.set(commandId, { streamId, ...entry, ...(commandFingerprint ? { fingerprint: commandFingerprint } : {}) });
    }
    hub.signal();
    return { streamId, nextExpectedVersion: last.stream_version, lastPosition: last.global_position, events: recorded.map(copy), duplicate: false };
  };

  const readAll: EventStore['readAll'] = async (o) => {
    await tick();
    const { page, blocked } = log.read(o);
    const last = page.at(-1);
    const wanted = o.types ? new Set(o.types) : undefined;
    return {
      events: page.filter((e) => !wanted || wanted.has(e.type)).map((e) => upcast(copy(e))),
      scanned: page.length,
      checkpoint: last ? { transactionId: last.transaction_id, globalPosition: last.global_position } : o.after,
      blockedByOpenTransaction: blocked,
    };
  };

  /** Positions are taken as the transaction appends, stream versions when it commits (an `any` append). */
  const beginTransaction = (): InMemoryTransaction => {
    const transaction = log.begin();
    const pending: { streamId: string; events: NewEvent[]; positions: number[] }[] = [];
    return {
      append: async (streamId, events) => void pending.push({ streamId, events, positions: events.map(() => log.takePosition()) }),
      commit: async () => {
        log.commit(transaction, pending.flatMap((p) => record(transaction, p.streamId, p.events, p.positions)));
        hub.signal();
      },
      rollback: async () => log.rollback(transaction),
    };
  };

  return {
    append,
    findCommand: async (commandId, fingerprint) => {
      await tick();
      const prior = commands.get(commandId);
      return prior ? replay(commandId, prior, fingerprint) : undefined;
    },
    readStream: async (streamId, o) => {
      await tick();
      const stream = streams.get(streamId) ?? [];
      return stream.filter((e) => e.stream_version >= (o?.fromVersion ?? 1) && e.stream_version <= (o?.toVersion ?? Infinity)).map(upcastInStream);
    },
    readAll,
    subscribe: sharedSubscriptions(readAll, hub, options.polling),
    checkpointOf: async (globalPosition) => {
      const e = log.at(globalPosition);
      return e ? { transactionId: e.transaction_id, globalPosition } : undefined;
    },
    headPosition: async () => log.head(),
    close: async () => undefined,
    beginTransaction,
    allEventIds: () => log.ids(),
  };
};
