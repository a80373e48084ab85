import { randomUUID } from 'node:crypto';
import {
  AGENT_RUNS_CATEGORY,
  ExpectedVersionConflict,
  schemaVersionOf,
  streamId,
  type AgentRunCommand,
  type AgentRunEvent,
  type RecordedEvent,
} from '@agent-platform/contracts';
import { agentRunDecider, type AgentRunState } from '@agent-platform/command-api';
import type { EventStore } from '@agent-platform/infra';

/**
 * A run's stream, held in memory by the processor that runs it: each step is decided against the state it
 * holds and appended at the version it knows, so a step costs one append and no read. When another writer
 * moved the stream (a cancel, a new lease), it catches up and decides again, and the decider refuses what
 * is no longer allowed.
 */
export type Journal = {
  readonly runId: string;
  state: () => AgentRunState;
  /** Global position of the last event recorded or read. */
  position: () => number;
  record: (command: AgentRunCommand) => Promise<void>;
};

const evolveAll = (state: AgentRunState, events: RecordedEvent[]): AgentRunState =>
  events.reduce((s, e) => agentRunDecider.evolve(s, { type: e.type, data: e.data, metadata: e.metadata } as Parameters<typeof agentRunDecider.evolve>[1]), state);

export const openJournal = async (store: EventStore, runId: string): Promise<Journal> => {
  const stream = streamId(AGENT_RUNS_CATEGORY, runId);
  const past = await store.readStream(stream);
  let state = evolveAll(agentRunDecider.initialState(), past);
  let version = past.at(-1)?.stream_version ?? 0;
  let position = past.at(-1)?.global_position ?? 0;

  const catchUp = async () => {
    const newer = await store.readStream(stream, { fromVersion: version + 1 });
    state = evolveAll(state, newer);
    version = newer.at(-1)?.stream_version ?? version;
    position = newer.at(-1)?.global_position ?? position;
  };

  const append = async (command: AgentRunCommand): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      const events: AgentRunEvent[] = agentRunDecider.decide(command, state);
      if (state.status === 'none') return;
      const metadata = {
        workspace_id: state.workspaceId,
        command_id: randomUUID(),
        ...(state.correlationId ? { correlation_id: state.correlationId } : {}),
        causation_id: runId,
      };
      try {
        const result = await store.append(
          stream,
          events.map((e) => ({ type: e.type, data: e.data, schema_version: schemaVersionOf(e.type), metadata })),
          { expectedVersion: version },
        );
        state = evolveAll(state, result.events);
        version = result.nextExpectedVersion;
        position = result.lastPosition;
        return;
      } catch (error) {
        if (!(error instanceof ExpectedVersionConflict) || attempt >= 3) throw error;
        await catchUp();
      }
    }
  };

  // One step at a time: a lease renewal from the heartbeat waits for the step being recorded, and the other way round.
  let tail: Promise<unknown> = Promise.resolve();
  const record = (command: AgentRunCommand): Promise<void> => {
    const next = tail.then(() => append(command));
    tail = next.catch(() => undefined);
    return next;
  };

  return { runId, state: () => state, position: () => position, record };
};
