import { randomUUID } from 'node:crypto';
import {
  AGENT_RUNS_CATEGORY,
  ExpectedVersionConflict,
  schemaVersionOf,
  streamId,
  type AgentRunCommand,
  type AgentRunEvent,
  type EventMetadata,
  type RecordedEvent,
} from '@agent-platform/contracts';
import { agentRunDecider, evolveAll, type AgentRunState } from '@agent-platform/command-api';
import type { EventStore } from '@agent-platform/infra';

/**
 * A run's stream, held in memory by the worker that runs it: each step is decided against the state it
 * holds and appended at the version it knows, so a step costs one append and no read. When another writer
 * moved the stream (a cancel, a new lease), it catches up and decides again, and the decider refuses what
 * is no longer allowed.
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
export type Journal = {
  readonly runId: string;
  /** The state with every step decided so far applied, appended or not. */
  state: () => AgentRunState;
  /** Global position of the last event recorded or read. */
  position: () => number;
  defer: (command: AgentRunCommand) => void;
  record: (command: AgentRunCommand) => Promise<void>;
};

export const openJournal = async (store: EventStore, runId: string, known?: RecordedEvent[]): Promise<Journal> => {
  const stream = streamId(AGENT_RUNS_CATEGORY, runId);
  const past = known ?? (await store.readStream(stream));
  let recorded = evolveAll(agentRunDecider, agentRunDecider.initialState(), past);
  let version = past.at(-1)?.stream_version ?? 0;
  let position = past.at(-1)?.global_position ?? 0;
  /** Steps decided and not appended yet, in order: the deferred ones and those a `record` is appending. */
  let pending: AgentRunCommand[] = [];
  let current = recorded;

  const catchUp = async () => {
    const newer: RecordedEvent[] = await store.readStream(stream, { fromVersion: version + 1 });
    recorded = evolveAll(agentRunDecider, recorded, newer);
    version = newer.at(-1)?.stream_version ?? version;
    position = newer.at(-1)?.global_position ?? position;
  };

  const metadataOf = (state: AgentRunState): EventMetadata => ({
    workspace_id: state.status === 'none' ? '' : state.workspaceId,
    command_id: randomUUID(),
    ...(state.status !== 'none' && state.correlationId ? { correlation_id: state.correlationId } : {}),
    causation_id: runId,
  });

  /** Decides the commands in order, each against the state the ones before it leave. */
  const decideAll = (commands: AgentRunCommand[]) => {
    const metadata = metadataOf(recorded);
    let state = recorded;
    const events: AgentRunEvent[] = [];
    for (const command of commands) {
      const decided = agentRunDecider.decide(command, state);
      state = evolveAll(agentRunDecider, state, decided.map((e) => ({ ...e, metadata })));
      events.push(...decided);
    }
    return { events, state, metadata };
  };

  /** Appends the first `count` pending steps, deciding them again after a catch-up when the stream moved. */
  const append = async (count: number): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      const commands = pending.slice(0, count);
      const { events, metadata } = decideAll(commands);
      try {
        const result = await store.append(
          stream,
          events.map((e) => ({ type: e.type, data: e.data, schema_version: schemaVersionOf(e.type), metadata })),
          { expectedVersion: version },
        );
        recorded = evolveAll(agentRunDecider, recorded, result.events);
        version = result.nextExpectedVersion;
        position = result.lastPosition;
        pending = pending.slice(count);
        current = decideAll(pending).state;
        return;
      } catch (error) {
        if (!(error instanceof ExpectedVersionConflict) || attempt >= 3) throw error;
        await catchUp();
      }
    }
  };

  const decideNext = (command: AgentRunCommand) => {
    // Decided now, so a refused step fails where it is asked for, not when it is appended.
    current = decideAll([...pending, command]).state;
    pending.push(command);
  };

  // One append at a time, in order; a lease renewal from the heartbeat waits for the step being recorded.
  let tail: Promise<void> = Promise.resolve();
  const record = (command: AgentRunCommand): Promise<void> => {
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
    position: () => position,
    defer: decideNext,
    record,
  };
};
