import { AGENT_RUNS_CATEGORY, AgentRunAwaitingHuman, AgentRunCancelled, ConflictError, HUMAN_TASKS_CATEGORY, NotFoundError, streamId } from '@agent-platform/contracts';
import { agentRunDecider, evolveAll, humanTaskDecider, sendCommand } from '@agent-platform/command-api/commands';
import type { EventStore } from '@agent-platform/infra';
import type { Processor } from '../runtime/processor.js';
import { createWaitTask } from './waits.js';

/**
 * The tasks of runs that wait, made durable: a wait recorded is a task created (the runner creates it at
 * once; this reaction, from the recorded wait, when the runner died first), and a run cancelled while it
 * waits has its open task cancelled, so nobody is left asked about a run that is over.
 */
export const waitTasks = (store: EventStore): Processor => ({
  group: 'agent-run-wait-tasks',
  types: [AgentRunAwaitingHuman.type, AgentRunCancelled.type],
  idempotent: true,
  handle: async (event, ctx) => {
    const context = { workspaceId: event.workspaceid, ...(event.correlationid ? { correlationId: event.correlationid } : {}) };
    if (event.type === AgentRunAwaitingHuman.type) {
      await createWaitTask(store, AgentRunAwaitingHuman.schema.parse(event.data), context);
      return;
    }
    const { run_id } = AgentRunCancelled.schema.parse(event.data);
    const run = evolveAll(agentRunDecider, agentRunDecider.initialState(), await store.readStream(streamId(AGENT_RUNS_CATEGORY, run_id)));
    if (run.status === 'none' || !run.waiting || run.decisions[run.waiting.invocation_id]) return;
    const task_id = run.waiting.task_id;
    await sendCommand(
      store,
      humanTaskDecider,
      streamId(HUMAN_TASKS_CATEGORY, task_id),
      { type: 'CancelHumanTask', data: { task_id, workspace_id: event.workspaceid, reason: `agent run ${run_id} was cancelled`, cancelled_by: null } },
      { ...ctx.commandContext('cancel-wait-task'), causationId: run_id },
      { retryOnConflict: 5 },
    ).catch((error: unknown) => {
      // Ended meanwhile (approved, rejected, expired), or never created: nothing is left open.
      if (error instanceof NotFoundError || (error instanceof ConflictError && error.code.startsWith('HUMAN_TASK_'))) return;
      throw error;
    });
  },
});
