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

export type CommandOptions = {
  /** The stream is new (its id was just made): skip reading it and append with `no_stream`. */
  newStream?: boolean;
  /** The decision needs no past (an append-only stream): skip reading it and append with `any`. */
  stateless?: boolean;
  /** Re-read and decide again when another writer moved the stream meanwhile; only for commands whose outcome may change with the state. */
  retryOnConflict?: number;
  /**
   * Look the idempotency key up before deciding (the default): a retried request gets its first answer
   * even where deciding again would now refuse. A reaction that copes with such a refusal may skip the
   * lookup, a round trip: the append still finds the key and answers with what it recorded.
   */
  findPriorFirst?: boolean;
};

/** The command id a key stands for: scoped to the workspace, so keys of two tenants never meet. */
export const commandIdFor = (workspaceId: string, idempotencyKey: string): string =>
  createHash('sha256').update(`${workspaceId}\u0000${idempotencyKey}`).digest('hex');

export const fingerprintOf = (...parts: unknown[]): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex');

const fold = <S, E extends DomainEvent>(decider: Decider<S, unknown, E>, events: RecordedEvent[]): S => evolveAll(decider, decider.initialState(), events);

/** Another aggregate's current state, for a command that must check it (a run needs its agent and session). */
export const loadState = async <S, C, E extends DomainEvent>(store: EventStore, decider: Decider<S, C, E>, streamId: string): Promise<S> =>
  fold(decider as Decider<S, unknown, E>, await store.readStream(streamId));

/**
 * Loads the stream, decides, appends with the version it read. A stream that moved meanwhile is a
 * conflict, retried a bounded number of times when the command allows it.
 */
export const handleCommand = async <S, C, E extends DomainEvent>(
  store: EventStore,
  decider: Decider<S, C, E>,
  streamId: string,
  command: C,
  context: CommandContext,
  options: CommandOptions = {},
): Promise<AppendResult> => {
  const commandId = context.idempotencyKey ? commandIdFor(context.workspaceId, context.idempotencyKey) : undefined;
  if (commandId && options.findPriorFirst !== false) {
    const prior = await store.findCommand(commandId, context.fingerprint);
    if (prior) return prior;
  }
  const metadata: EventMetadata = {
    workspace_id: context.workspaceId,
    command_id: commandId ?? randomUUID(),
    ...(context.correlationId ? { correlation_id: context.correlationId } : {}),
    ...(context.causationId ? { causation_id: context.causationId } : {}),
    ...(context.requestId ? { request_id: context.requestId } : {}),
    ...(context.userId ? { user_id: context.userId } : {}),
  };
  for (let attempt = 0; ; attempt++) {
    const past = options.newStream || options.stateless ? [] : await store.readStream(streamId);
    const events = decider.decide(command, fold(decider as Decider<S, unknown, E>, past));
    const last = past[past.length - 1];
    if (events.length === 0) {
      return { streamId, nextExpectedVersion: last?.stream_version ?? 0, lastPosition: last?.global_position ?? 0, events: [], duplicate: false };
    }
    try {
      return await store.append(
        streamId,
        events.map((e) => ({ type: e.type, data: e.data, schema_version: schemaVersionOf(e.type), metadata })),
        {
          expectedVersion: options.stateless ? 'any' : last ? last.stream_version : 'no_stream',
          ...(commandId ? { commandId } : {}),
          ...(context.fingerprint ? { commandFingerprint: context.fingerprint } : {}),
        },
      );
    } catch (error) {
      if (!(error instanceof ExpectedVersionConflict) || attempt >= (options.retryOnConflict ?? 0)) throw error;
      // Jitter spreads writers that collided apart, so they do not collide again on the next try.
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 ** attempt, 50)));
    }
  }
};
