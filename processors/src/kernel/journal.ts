import { streamId, type DomainEvent, type RecordedEvent } from '@agent-platform/contracts';
import { decideInTurn, evolveAll, metadataOf, sendCommand, type CommandContext, type Decider, type StreamCursor } from '@agent-platform/command-api/commands';
import type { EventStore } from '@agent-platform/infra';

/** Whose a run is: every step it records goes to this workspace, under this correlation id. */
export type RunScope = { workspaceId: string; correlationId?: string | undefined };

/** A run's stream: where it lives, the decider that guards it, and whose it is. */
export type RunStream<S, C, E extends DomainEvent> = {
  category: string;
  decider: Decider<S, C, E>;
  scopeOf: (state: S) => RunScope | undefined;
};

/**
 * A run's stream (of any kind), held in memory by the worker that runs it: each step is decided against the state it
 * holds and appended at the version it knows, so a step costs one append and no read. When another writer
 * moved the stream (a cancel, a new lease), `sendCommand` catches up and decides again, and the decider
 * refuses what is no longer allowed.
 *
 * `defer` decides a step now and appends it with the next `record`, in the same append: a model answer
 * goes with the start of the tool call it asks for, or with the run's end. A deferred step lost in a
 * crash is redone on resume, so only steps without effects (model calls) are deferred; the effect that
 * depends on one (a tool call) is recorded together with it, before it happens.
 *
 * `record` resolves once its step is durable. A caller may go on before that (the end of a tool call is
 * recorded while the next model call runs), because appends happen one at a time, in order, and a
 * failed one fails every later `record`: nothing is appended after a step that was not.
 */
export type Journal<S, C> = {
  readonly runId: string;
  /** The state with every step decided so far applied, appended or not. */
  state: () => S;
  /** Global position of the last event recorded or read. */
  position: () => number;
  /** Stream version of the last event recorded or read. */
  version: () => number;
  defer: (command: C) => void;
  record: (command: C) => Promise<void>;
};

/** How many times a step is decided again after another writer moved the run. */
const RETRIES_ON_CONFLICT = 3;

export const openJournal = async <S, C, E extends DomainEvent>(
  store: EventStore,
  run: RunStream<S, C, E>,
  runId: string,
  known?: RecordedEvent[],
): Promise<Journal<S, C>> => {
  const { decider } = run;
  const stream = streamId(run.category, runId);
  const past = known ?? (await store.readStream(stream));
  let recorded: StreamCursor<S> = {
    state: evolveAll(decider, decider.initialState(), past),
    version: past.at(-1)?.stream_version ?? 0,
    position: past.at(-1)?.global_position ?? 0,
  };
  /** Steps decided and not appended yet, in order: the deferred ones and those a `record` is appending. */
  let pending: C[] = [];
  let current = recorded.state;

  /** The run's steps are caused by the run, in its workspace and under its correlation id. */
  const contextOf = (state: S): CommandContext => {
    const scope = run.scopeOf(state);
    return { workspaceId: scope?.workspaceId ?? '', ...(scope?.correlationId ? { correlationId: scope.correlationId } : {}), causationId: runId };
  };

  /** The state once the pending steps are applied to what is recorded. */
  const ahead = (commands: C[]) => decideInTurn(decider, recorded.state, commands, metadataOf(contextOf(recorded.state))).state;

  /** Appends the first `count` pending steps in one append, at the version the journal knows. */
  const append = async (count: number): Promise<void> => {
    const sent = await sendCommand(store, decider, stream, pending.slice(0, count), contextOf(recorded.state), {
      known: recorded,
      retryOnConflict: RETRIES_ON_CONFLICT,
    });
    // Never absent here: the journal sends no idempotency key and reads its stream's state.
    recorded = sent.cursor ?? recorded;
    pending = pending.slice(count);
    current = ahead(pending);
  };

  const decideNext = (command: C) => {
    // Decided now, so a refused step fails where it is asked for, not when it is appended.
    current = ahead([...pending, command]);
    pending.push(command);
  };

  // One append at a time, in order; a lease renewal from the heartbeat waits for the step being recorded.
  let tail: Promise<void> = Promise.resolve();
  const record = (command: C): Promise<void> => {
    decideNext(command);
    // Its turn comes after every earlier append: what is pending then, up to this step, goes in one.
    const next = tail.then(() => append(pending.indexOf(command) + 1));
    tail = next;
    // Whoever awaits this step hears of its failure, and so does every later step: it never appends.
    next.catch(() => undefined);
    return next;
  };

  return {
    runId,
    state: () => current,
    position: () => recorded.position,
    version: () => recorded.version,
    defer: decideNext,
    record,
  };
};
