import { createHash, randomUUID } from 'node:crypto';
import {
  ExpectedVersionConflict,
  schemaVersionOf,
  type DomainEvent,
  type EventMetadata,
  type RecordedEvent,
} from '@agent-platform/contracts';
import type { AppendResult, EventStore } from '@agent-platform/infra';
import { evolveAll, type Decider } from './decider.js';

/** Who sent a command, from where; becomes every resulting event's metadata. */
export type CommandContext = {
  workspaceId: string;
  requestId?: string;
  correlationId?: string;
  causationId?: string;
  userId?: string;
  /** A retry with the same key returns the first result and appends nothing. */
  idempotencyKey?: string;
  /** What the command asked for; the same key with another request is refused. */
  fingerprint?: string;
};

/** A stream as a writer holds it: the state its events fold to, its version and the global position of its last event. */
export type StreamCursor<S> = { state: S; version: number; position: number };

export type CommandOptions<S = unknown> = {
  /** The stream is new (its id was just made): skip reading it and append with `no_stream`. */
  newStream?: boolean;
  /** The decision needs no past (an append-only stream): skip reading it and append with `any`. */
  stateless?: boolean;
  /**
   * The stream as the sender already holds it (a run's journal keeps its run in memory): decide against
   * it without reading, and on a conflict read only the events after it.
   */
  known?: StreamCursor<S>;
  /** Catch up and decide again when another writer moved the stream meanwhile; only for commands whose outcome may change with the state. */
  retryOnConflict?: number;
  /**
   * Look the idempotency key up before deciding (the default): a retried request gets its first answer
   * even where deciding again would now refuse. A reaction that copes with such a refusal may skip the
   * lookup, a round trip: the append still finds the key and answers with what it recorded.
   */
  findPriorFirst?: boolean;
};

/**
 * What the store answered, and the stream after the command when it was decided here: absent for an
 * answer from the first result of an idempotent retry, and for a stateless append (its state is not read).
 */
export type Sent<S> = AppendResult & { cursor?: StreamCursor<S> };

/** The command id a key stands for: scoped to the workspace, so keys of two tenants never meet. */
export const commandIdFor = (workspaceId: string, idempotencyKey: string): string =>
  createHash('sha256').update(`${workspaceId}\u0000${idempotencyKey}`).digest('hex');

export const fingerprintOf = (...parts: unknown[]): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex');

/** The metadata every event of one command carries; without an idempotency key the command id is fresh. */
export const metadataOf = (context: CommandContext, commandId: string = randomUUID()): EventMetadata => ({
  workspace_id: context.workspaceId,
  command_id: commandId,
  ...(context.correlationId ? { correlation_id: context.correlationId } : {}),
  ...(context.causationId ? { causation_id: context.causationId } : {}),
  ...(context.requestId ? { request_id: context.requestId } : {}),
  ...(context.userId ? { user_id: context.userId } : {}),
});

/** Decides commands in order, each against the state the ones before it leave, their events carrying `metadata`. */
export const decideInTurn = <S, C, E extends DomainEvent>(
  decider: Decider<S, C, E>,
  state: S,
  commands: readonly C[],
  metadata: EventMetadata,
): { events: E[]; state: S } => {
  const events: E[] = [];
  for (const command of commands) {
    const decided = decider.decide(command, state);
    state = evolveAll(decider, state, decided.map((e) => ({ ...e, metadata })));
    events.push(...decided);
  }
  return { events, state };
};

const start = <S, C, E extends DomainEvent>(decider: Decider<S, C, E>): StreamCursor<S> => ({ state: decider.initialState(), version: 0, position: 0 });

/** The cursor moved past the events it has not seen yet: the whole stream for a fresh cursor, one read either way. */
const catchUp = async <S, C, E extends DomainEvent>(store: EventStore, decider: Decider<S, C, E>, streamId: string, cursor: StreamCursor<S>): Promise<StreamCursor<S>> => {
  const newer: RecordedEvent[] = await (cursor.version ? store.readStream(streamId, { fromVersion: cursor.version + 1 }) : store.readStream(streamId));
  const last = newer.at(-1);
  return last ? { state: evolveAll(decider, cursor.state, newer), version: last.stream_version, position: last.global_position } : cursor;
};

/** Another aggregate's current state, for a command that must check it (a run needs its agent and session). */
export const loadState = async <S, C, E extends DomainEvent>(store: EventStore, decider: Decider<S, C, E>, streamId: string): Promise<S> =>
  (await catchUp(store, decider, streamId, start(decider))).state;

/**
 * The one write path, for HTTP handlers, run journals and processors alike: reads the stream (unless its
 * state is known or not needed), decides the command (or several, in turn, into one append), appends at
 * the version it decided against, with the command id that makes a retry idempotent. A stream that moved
 * meanwhile is a conflict, retried a bounded number of times when the command allows it.
 */
export const sendCommand = async <S, C, E extends DomainEvent>(
  store: EventStore,
  decider: Decider<S, C, E>,
  streamId: string,
  command: C | readonly C[],
  context: CommandContext,
  options: CommandOptions<S> = {},
): Promise<Sent<S>> => {
  const commands = (Array.isArray(command) ? command : [command]) as readonly C[];
  const commandId = context.idempotencyKey ? commandIdFor(context.workspaceId, context.idempotencyKey) : undefined;
  if (commandId && options.findPriorFirst !== false) {
    const prior = await store.findCommand(commandId, context.fingerprint);
    if (prior) return prior;
  }
  const metadata = metadataOf(context, commandId);
  let cursor = options.known ?? (options.newStream || options.stateless ? start(decider) : await catchUp(store, decider, streamId, start(decider)));
  for (let attempt = 0; ; attempt++) {
    const { events } = decideInTurn(decider, cursor.state, commands, metadata);
    if (events.length === 0) {
      return { streamId, nextExpectedVersion: cursor.version, lastPosition: cursor.position, events: [], duplicate: false, cursor };
    }
    try {
      const result = await store.append(
        streamId,
        events.map((e) => ({ type: e.type, data: e.data, schema_version: schemaVersionOf(e.type), metadata })),
        {
          expectedVersion: options.stateless ? 'any' : cursor.version || 'no_stream',
          ...(commandId ? { commandId } : {}),
          ...(context.fingerprint ? { commandFingerprint: context.fingerprint } : {}),
        },
      );
      if (result.duplicate || options.stateless) return result;
      return { ...result, cursor: { state: evolveAll(decider, cursor.state, result.events), version: result.nextExpectedVersion, position: result.lastPosition } };
    } catch (error) {
      if (!(error instanceof ExpectedVersionConflict) || attempt >= (options.retryOnConflict ?? 0)) throw error;
      // Jitter spreads writers that collided apart, so they do not collide again on the next try.
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 ** attempt, 50)));
      cursor = await catchUp(store, decider, streamId, cursor);
    }
  }
};
