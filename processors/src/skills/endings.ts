import {
  AGENT_RUNS_CATEGORY,
  AgentRunCancelled,
  AgentRunCompleted,
  AgentRunFailed,
  ConflictError,
  SKILL_RUNS_CATEGORY,
  streamId,
  type EventEnvelope,
} from '@agent-platform/contracts';
import { sendCommand, skillRunDecider } from '@agent-platform/command-api/commands';
import type { EventStore } from '@agent-platform/infra';
import type { RunKernel } from '../kernel/executor.js';
import type { Processor } from '../runtime/processor.js';
import { agentRunIdOf } from './agent.js';

/** Codes that mean there is nothing (more) to do for this skill run: it ended, or its agent run's end is recorded. */
const DONE = new Set(['SKILL_RUN_ENDED', 'SKILL_AGENT_RUN_RECORDED', 'SKILL_AGENT_RUN_MISMATCH', 'SKILL_RUN_LEASED', 'SKILL_RUN_WAITING']);

const endingOf = (event: EventEnvelope) => {
  if (event.type === AgentRunCompleted.type) {
    const d = AgentRunCompleted.schema.parse(event.data);
    return { agent_run_id: d.run_id, status: 'completed' as const, answer: d.answer, error: null };
  }
  if (event.type === AgentRunFailed.type) {
    const d = AgentRunFailed.schema.parse(event.data);
    return { agent_run_id: d.run_id, status: 'failed' as const, answer: null, error: d.error };
  }
  const d = AgentRunCancelled.schema.parse(event.data);
  return { agent_run_id: d.run_id, status: 'cancelled' as const, answer: null, error: null };
};

/**
 * Wakes the agent skill's run an agent run was queued for when that agent run ends. The agent run's queued
 * event names its cause; it is a skill run's agent run only if its id is the one that skill run derives, so
 * an agent run queued by anything else is left alone. The end is recorded on the skill run's stream (once;
 * a redelivery finds it recorded), then the run is driven to its end.
 */
export const agentEndings = (deps: { store: EventStore; kernel: Pick<RunKernel<unknown, object>, 'start'>; workerKey: string; concurrency: number }): Processor => ({
  group: 'skill-runs-agent-endings',
  types: [AgentRunCompleted.type, AgentRunFailed.type, AgentRunCancelled.type],
  concurrency: deps.concurrency,
  idempotent: true,
  handle: async (event) => {
    const ending = endingOf(event);
    const [queued] = await deps.store.readStream(streamId(AGENT_RUNS_CATEGORY, ending.agent_run_id), { toVersion: 1 });
    const skillRunId = queued?.metadata.causation_id;
    if (!skillRunId || agentRunIdOf(skillRunId) !== ending.agent_run_id) return;
    try {
      await sendCommand(
        deps.store,
        skillRunDecider,
        streamId(SKILL_RUNS_CATEGORY, skillRunId),
        { type: 'RecordSkillAgentRunEnded', data: { run_id: skillRunId, ...ending } },
        { workspaceId: event.workspaceid, causationId: ending.agent_run_id, ...(event.correlationid ? { correlationId: event.correlationid } : {}) },
        { retryOnConflict: 5 },
      );
    } catch (error) {
      // Recorded by an earlier delivery, which may have died before driving the run: drive it below.
      if (!(error instanceof ConflictError && error.code === 'SKILL_AGENT_RUN_RECORDED')) {
        if (error instanceof ConflictError && DONE.has(error.code)) return;
        throw error;
      }
    }
    try {
      await (await deps.kernel.start(skillRunId, { workerKey: deps.workerKey })).done;
    } catch (error) {
      // Held by the worker that is delegating it (it sees the end when it records its wait), or ended.
      if (!(error instanceof ConflictError && DONE.has(error.code))) throw error;
    }
  },
});
