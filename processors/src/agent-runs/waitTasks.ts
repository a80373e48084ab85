import {
  AGENT_RUNS_CATEGORY,
  AgentRunAwaitingHuman,
  AgentRunCancelled,
  AgentRunPaused,
  AgentRunUnpaused,
  ConflictError,
  HUMAN_TASKS_CATEGORY,
  NotFoundError,
  streamId,
  type EventEnvelope,
} from '@agent-platform/contracts';
import { agentRunDecider, evolveAll, humanTaskDecider, sendCommand } from '@agent-platform/command-api/commands';
import type { EventStore } from '@agent-platform/infra';
import type { Processor, ProcessorContext } from '../runtime/processor.js';
import { createWaitTask } from './waits.js';

/** Withdraws a task nobody needs to act on any more; one that ended meanwhile (or never was) is left as it is. */
const cancelTask = (store: EventStore, event: EventEnvelope, ctx: ProcessorContext, taskId: string, runId: string, reason: string) =>
  sendCommand(
    store,
    humanTaskDecider,
    streamId(HUMAN_TASKS_CATEGORY, taskId),
    { type: 'CancelHumanTask', data: { task_id: taskId, workspace_id: event.workspaceid, reason, cancelled_by: null } },
    { ...ctx.commandContext('cancel-run-task'), causationId: runId },
    { retryOnConflict: 5 },
  ).then(
    () => undefined,
    (error: unknown) => {
      if (error instanceof NotFoundError || (error instanceof ConflictError && error.code.startsWith('HUMAN_TASK_'))) return;
      throw error;
    },
  );

/**
 * The tasks of runs that wait, made durable: a wait or a takeover recorded is a task created (for a wait the
 * runner creates it at once; this reaction, from the recorded event, when the runner died first); a run
 * cancelled while it waits, or resumed over HTTP while a takeover task is open, has that task cancelled, so
 * nobody is left asked about a run that went on or is over.
 */
export const waitTasks = (store: EventStore): Processor => ({
  group: 'agent-run-wait-tasks',
  types: [AgentRunAwaitingHuman.type, AgentRunPaused.type, AgentRunUnpaused.type, AgentRunCancelled.type],
  idempotent: true,
  handle: async (event, ctx) => {
    const scope = { workspaceId: event.workspaceid, ...(event.correlationid ? { correlationId: event.correlationid } : {}) };
    switch (event.type) {
      case AgentRunAwaitingHuman.type:
        return createWaitTask(store, AgentRunAwaitingHuman.schema.parse(event.data), scope);
      case AgentRunPaused.type: {
        const paused = AgentRunPaused.schema.parse(event.data);
        if (!paused.task_id) return;
        const task = {
          task_type: 'takeover' as const,
          title: 'Take over an agent run',
          description: paused.reason,
          request_payload_json: { run_id: paused.run_id, after_step: paused.after_step, ...(paused.reason ? { reason: paused.reason } : {}) },
          subject: null,
        };
        return createWaitTask(store, { task_id: paused.task_id, run_id: paused.run_id, invocation_id: null, task }, scope);
      }
      case AgentRunUnpaused.type: {
        const { task_id, run_id } = AgentRunUnpaused.schema.parse(event.data);
        // Given back by its task's end, the task has ended already, and is left so.
        if (task_id && event.causationid !== task_id) await cancelTask(store, event, ctx, task_id, run_id, `agent run ${run_id} was resumed`);
        return;
      }
      default: {
        const { run_id } = AgentRunCancelled.schema.parse(event.data);
        const run = evolveAll(agentRunDecider, agentRunDecider.initialState(), await store.readStream(streamId(AGENT_RUNS_CATEGORY, run_id)));
        if (run.status === 'none') return;
        const open = run.paused?.task_id ?? (run.waiting && !run.decisions[run.waiting.invocation_id] ? run.waiting.task_id : undefined);
        if (open) await cancelTask(store, event, ctx, open, run_id, `agent run ${run_id} was cancelled`);
      }
    }
  },
});
