import {
  AGENT_RUNS_CATEGORY,
  ConflictError,
  HUMAN_TASKS_CATEGORY,
  HumanTaskApproved,
  HumanTaskCancelled,
  HumanTaskCompleted,
  HumanTaskCreated,
  HumanTaskExpired,
  HumanTaskRejected,
  NotFoundError,
  streamId,
  type EventEnvelope,
  type HumanDecision,
} from '@agent-platform/contracts';
import { agentRunDecider, sendCommand, type RunExecutor } from '@agent-platform/command-api/commands';
import type { EventStore } from '@agent-platform/infra';
import type { Processor } from '../runtime/processor.js';

type Decision = Omit<HumanDecision, 'run_id'>;

/** How a task ended, as the run it moves on records it. */
export const decisionOf = (event: Pick<EventEnvelope, 'type' | 'data'>): Decision => {
  const none = { comment: null, response_payload_json: {}, approved_input: null };
  switch (event.type) {
    case HumanTaskApproved.type: {
      const d = HumanTaskApproved.schema.parse(event.data);
      return { task_id: d.task_id, outcome: 'approved', acted_by: d.approved_by, comment: d.comment, response_payload_json: d.response_payload_json, approved_input: d.approved_input };
    }
    case HumanTaskRejected.type: {
      const d = HumanTaskRejected.schema.parse(event.data);
      return { task_id: d.task_id, outcome: 'rejected', acted_by: d.rejected_by, comment: d.comment, response_payload_json: d.response_payload_json, approved_input: null };
    }
    case HumanTaskCompleted.type: {
      const d = HumanTaskCompleted.schema.parse(event.data);
      return { task_id: d.task_id, outcome: 'completed', acted_by: d.completed_by, comment: d.comment, response_payload_json: d.response_payload_json, approved_input: null };
    }
    case HumanTaskCancelled.type: {
      const d = HumanTaskCancelled.schema.parse(event.data);
      return { ...none, task_id: d.task_id, outcome: 'cancelled', acted_by: d.cancelled_by, comment: d.reason };
    }
    default:
      return { ...none, task_id: HumanTaskExpired.schema.parse(event.data).task_id, outcome: 'expired', acted_by: null };
  }
};

/** Nothing to do: the run does not wait on this task (never did, or ended), or is driven already. */
const MOVES_NOTHING = new Set(['AGENT_RUN_NOT_WAITING', 'AGENT_RUN_ENDED', 'AGENT_RUN_NOT_FOUND', 'AGENT_RUN_LEASED', 'AGENT_RUN_WAITING']);

/**
 * Wakes the agent run a task was created for when the task ends. The task's created event names the run;
 * the decision is recorded on the run only if the run waits on exactly that task (a task created over HTTP
 * naming some run moves nothing), once (a redelivery finds it recorded, `AGENT_RUN_DECISION_RECORDED`, and
 * drives the run, which the earlier delivery may have died before doing). Then the run is driven on.
 */
export const humanDecisions = (deps: { store: EventStore; executor: Pick<RunExecutor, 'start'>; workerKey: string; concurrency: number }): Processor => ({
  group: 'agent-run-human-decisions',
  types: [HumanTaskApproved.type, HumanTaskRejected.type, HumanTaskCompleted.type, HumanTaskCancelled.type, HumanTaskExpired.type],
  concurrency: deps.concurrency,
  idempotent: true,
  handle: async (event) => {
    const decision = decisionOf(event);
    const [created] = await deps.store.readStream(streamId(HUMAN_TASKS_CATEGORY, decision.task_id), { toVersion: 1 });
    if (created?.type !== HumanTaskCreated.type) return;
    const runId = HumanTaskCreated.schema.parse(created.data).run_id;
    if (!runId || !/^[0-9a-f-]{36}$/i.test(runId)) return;
    const context = { workspaceId: event.workspaceid, causationId: decision.task_id, ...(event.correlationid ? { correlationId: event.correlationid } : {}) };
    try {
      await sendCommand(
        deps.store,
        agentRunDecider,
        streamId(AGENT_RUNS_CATEGORY, runId.toLowerCase()),
        { type: 'RecordHumanDecision', data: { ...decision, run_id: runId.toLowerCase(), workspace_id: event.workspaceid } },
        context,
        { retryOnConflict: 5 },
      );
    } catch (error) {
      const code = error instanceof ConflictError || error instanceof NotFoundError ? error.code : undefined;
      if (code === 'AGENT_RUN_DECISION_RECORDED') {
        // Recorded by an earlier delivery: drive the run below.
      } else if (code && MOVES_NOTHING.has(code)) {
        return;
      } else {
        throw error;
      }
    }
    try {
      await (await deps.executor.start(runId.toLowerCase(), { workerKey: deps.workerKey })).done;
    } catch (error) {
      if (!(error instanceof ConflictError && MOVES_NOTHING.has(error.code))) throw error;
    }
  },
});
