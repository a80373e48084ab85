import {
  ExpectedVersionConflict,
  IdempotencyKeyReused,
  type NewEvent,
  type RecordedEvent,
} from '@agent-platform/contracts';
import type { Pool } from '../../db/postgres.js';
import type { AppendOptions, AppendResult, EventStore, ExpectedVersion, LogCheckpoint } from '../port.js';
import { sharedSubscriptions, type PollingOptions } from '../subscription.js';
import { requireUpcast, type Upcaster } from '../upcasting.js';
import { createWakeupHub } from '../wakeups.js';
import { appendToStream, type PriorCommand } from './appendToStream.js';
import { APPEND_CHANNEL, createAppendNotifier, listenForAppends } from './notifications.js';
import { readAll } from './readAll.js';
import { readStream } from './readStream.js';

export type PostgresEventStoreOptions = {
  pool: Pool;
  /** Where to LISTEN for other processes' appends; without it, readers in other processes poll. */
  listenConnectionString?: string;
  /**
   * How often the listening connection looks for another one (default 1 s). A process alone on the
   * database sends no NOTIFY; one that starts listening is noticed within this time, and until then its
   * readers find new events by polling.
   */
  othersCheckMs?: number;
  upcaster?: Upcaster;
  polling?: PollingOptions;
  /** How often an `any` append retries after losing a race for the next version. */
  maxAnyRetries?: number;
  /** A lost notification connection or a failed read of the shared log reader; both retry on their own. */
  onError?: (error: unknown) => void;
};

const expectedToSql = (expected: ExpectedVersion): number | null =>
  expected === 'any' ? null : expected === 'no_stream' ? 0 : expected;

export const createPostgresEventStore = (options: PostgresEventStoreOptions): EventStore & { ready: Promise<void> } => {
  const { pool } = options;
  const upcast = options.upcaster ?? ((e: RecordedEvent) => e);
  // A stream is read to be folded or shown: one event it cannot lift fails that read alone, unlike the log's.
  const upcastInStream = (e: RecordedEvent) => requireUpcast(upcast(e));
  const hub = createWakeupHub();
  const listener = options.listenConnectionString
    ? listenForAppends(options.listenConnectionString, hub, options.onError, options.othersCheckMs)
    : undefined;
  const notify = createAppendNotifier(() =>
    (listener?.notify() ?? Promise.reject(new Error('not listening'))).catch(() => pool.query(`NOTIFY ${APPEND_CHANNEL}`)),
  );
  const maxAnyRetries = options.maxAnyRetries ?? 20;

  const currentVersion = async (streamId: string): Promise<number> => {
    const { rows } = await pool.query('SELECT coalesce(max(stream_version), 0) AS v FROM ap_events WHERE stream_id = $1', [
      streamId,
    ]);
    return rows[0].v;
  };

  const findPrior = async (commandId: string): Promise<PriorCommand | undefined> => {
    const { rows } = await pool.query(
      'SELECT stream_id, fingerprint, first_version, last_version, last_position FROM ap_commands WHERE command_id = $1',
      [commandId],
    );
    return rows[0];
  };

  const replay = async (prior: PriorCommand, commandId: string, fingerprint?: string): Promise<AppendResult> => {
    if (prior.fingerprint && fingerprint && prior.fingerprint !== fingerprint) throw new IdempotencyKeyReused(commandId);
    const events = (await readStream(pool, prior.stream_id, prior.first_version, prior.last_version)).map(upcastInStream);
    return {
      streamId: prior.stream_id,
      nextExpectedVersion: prior.last_version,
      lastPosition: prior.last_position,
      events,
      duplicate: true,
    };
  };

  const append = async (streamId: string, events: NewEvent[], appendOptions: AppendOptions): Promise<AppendResult> => {
    if (events.length === 0) throw new Error('append needs at least one event');
    const expected = expectedToSql(appendOptions.expectedVersion);
    for (let attempt = 0; ; attempt++) {
      const outcome = await appendToStream(pool, streamId, events, {
        expectedVersion: expected,
        commandId: appendOptions.commandId,
        commandFingerprint: appendOptions.commandFingerprint,
      });
      switch (outcome.kind) {
        case 'appended': {
          hub.signal();
          // Without a listener of its own the store cannot tell who else listens, so it always notifies.
          if (listener?.othersListening() ?? true) notify();
          const last = outcome.events[outcome.events.length - 1]!;
          return {
            streamId,
            nextExpectedVersion: last.stream_version,
            lastPosition: last.global_position,
            events: outcome.events,
            duplicate: false,
          };
        }
        case 'duplicate_command':
          return replay(outcome.prior, appendOptions.commandId!, appendOptions.commandFingerprint);
        case 'wrong_version':
          throw new ExpectedVersionConflict(streamId, String(appendOptions.expectedVersion), outcome.currentVersion);
        case 'lost_race': {
          const prior = appendOptions.commandId ? await findPrior(appendOptions.commandId) : undefined;
          if (prior) return replay(prior, appendOptions.commandId!, appendOptions.commandFingerprint);
          if (expected === null && attempt < maxAnyRetries) continue;
          throw new ExpectedVersionConflict(streamId, String(appendOptions.expectedVersion), await currentVersion(streamId));
        }
      }
    }
  };

  const readAllUpcast: EventStore['readAll'] = async (o) => {
    const page = await readAll(pool, o);
    return { ...page, events: page.events.map(upcast) };
  };

  return {
    ready: listener?.ready ?? Promise.resolve(),
    append,
    findCommand: async (commandId, fingerprint) => {
      const prior = await findPrior(commandId);
      return prior ? replay(prior, commandId, fingerprint) : undefined;
    },
    readStream: async (streamId, o) => (await readStream(pool, streamId, o?.fromVersion, o?.toVersion)).map(upcastInStream),
    readAll: readAllUpcast,
    subscribe: sharedSubscriptions(readAllUpcast, hub, options.polling, options.onError),
    checkpointOf: async (globalPosition): Promise<LogCheckpoint | undefined> => {
      const { rows } = await pool.query('SELECT transaction_id::text AS t FROM ap_events WHERE global_position = $1', [
        globalPosition,
      ]);
      return rows[0] ? { transactionId: rows[0].t, globalPosition } : undefined;
    },
    headPosition: async () => {
      const { rows } = await pool.query('SELECT coalesce(max(global_position), 0) AS p FROM ap_events');
      return rows[0].p;
    },
    close: async () => {
      await listener?.close();
    },
  };
};
