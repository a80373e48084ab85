import { randomUUID } from 'node:crypto';
import { ExpectedVersionConflict, IdempotencyKeyReused, type NewEvent, type RecordedEvent } from '@agent-platform/contracts';
import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { AppendOptions, AppendResult, EventStore } from '../port.js';
import { requireUpcast, type Upcaster } from '../upcasting.js';
import { appendToStream } from './appendToStream.js';
import { findCommandRecord, saveCommandRecord, type CommandRecord } from './commands.js';
import { checkpointOf, headPosition, readAll } from './readAll.js';
import { readStream } from './readStream.js';
import { subscribeToAll, type KurrentSubscriptionSettings } from './subscribe.js';
import { commandEventId } from './wire.js';

export type KurrentEventStoreOptions = {
  /** `kurrentdb://host:2113?tls=false`, or any connection string the client accepts (`esdb://` too). */
  connectionString: string;
  upcaster?: Upcaster;
  subscriptions?: KurrentSubscriptionSettings;
};

/**
 * The EventStore port over KurrentDB (or EventStoreDB 22.6+). The server orders `$all` and
 * assigns positions; read models and checkpoints stay in PostgreSQL. See docs/kurrentdb.md.
 */
export const createKurrentEventStore = (options: KurrentEventStoreOptions): EventStore => {
  const client = KurrentDBClient.connectionString(options.connectionString);
  const upcast = options.upcaster ?? ((e: RecordedEvent) => e);
  // A stream is read to be folded or shown: one event it cannot lift fails that read alone, unlike the log's.
  const upcastInStream = (e: RecordedEvent) => requireUpcast(upcast(e));

  const replay = async (prior: CommandRecord, fingerprint?: string): Promise<AppendResult> => {
    if (prior.fingerprint && fingerprint && prior.fingerprint !== fingerprint) throw new IdempotencyKeyReused(prior.command_id);
    const events = (await readStream(client, prior.stream_id, prior.first_version, prior.last_version)).map(upcastInStream);
    return {
      streamId: prior.stream_id,
      nextExpectedVersion: prior.last_version,
      lastPosition: prior.last_position,
      events,
      duplicate: true,
    };
  };

  /**
   * A command id makes the append a two-step: the events (with ids derived from the command id,
   * so a retry is deduplicated by the server), then the command's record. Of concurrent appends of
   * one command, the one whose record lands first reports `duplicate: false`; the others answer
   * from that record. A crash between the steps leaves no record: the retry re-sends the same ids
   * and the server answers with the events already written.
   */
  const append = async (streamId: string, events: NewEvent[], appendOptions: AppendOptions): Promise<AppendResult> => {
    if (events.length === 0) throw new Error('append needs at least one event');
    const { commandId, commandFingerprint } = appendOptions;
    if (commandId) {
      const prior = await findCommandRecord(client, commandId);
      if (prior) return replay(prior, commandFingerprint);
    }
    const eventIds = events.map((e, i) => e.event_id ?? (commandId ? commandEventId(commandId, i) : randomUUID()));
    const outcome = await appendToStream(client, streamId, events, { expectedVersion: appendOptions.expectedVersion, eventIds });
    if (outcome.kind === 'wrong_version') {
      // A retry of a command that another process is appending right now lands here: answer with its result.
      const prior = commandId ? await findCommandRecord(client, commandId) : undefined;
      if (prior) return replay(prior, commandFingerprint);
      throw new ExpectedVersionConflict(streamId, String(appendOptions.expectedVersion), outcome.currentVersion);
    }
    const first = outcome.events[0]!;
    const last = outcome.events[outcome.events.length - 1]!;
    if (commandId) {
      const record: CommandRecord = {
        command_id: commandId,
        stream_id: streamId,
        fingerprint: commandFingerprint ?? null,
        first_version: first.stream_version,
        last_version: last.stream_version,
        last_position: last.global_position,
      };
      if (!(await saveCommandRecord(client, record))) {
        const prior = await findCommandRecord(client, commandId);
        if (prior) return replay(prior, commandFingerprint);
      }
    }
    return {
      streamId,
      nextExpectedVersion: last.stream_version,
      lastPosition: last.global_position,
      events: outcome.events,
      duplicate: false,
    };
  };

  return {
    append,
    findCommand: async (commandId, fingerprint) => {
      const prior = await findCommandRecord(client, commandId);
      return prior ? replay(prior, fingerprint) : undefined;
    },
    readStream: async (streamId, o) => (await readStream(client, streamId, o?.fromVersion, o?.toVersion)).map(upcastInStream),
    readAll: async (o) => {
      const page = await readAll(client, o);
      return { ...page, events: page.events.map(upcast) };
    },
    subscribe: (o) => subscribeToAll(client, upcast, o, options.subscriptions),
    checkpointOf: (globalPosition) => checkpointOf(client, globalPosition),
    headPosition: () => headPosition(client),
    close: () => client.dispose(),
  };
};
