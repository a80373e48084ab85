import {
  approvalHash,
  ConflictError,
  HUMAN_TASKS_CATEGORY,
  streamId,
  type ApprovalSubject,
  type HumanDecision,
  type RunWait,
} from '@agent-platform/contracts';
import { humanTaskDecider, sendCommand, type ActiveRun } from '@agent-platform/command-api/commands';
import { uuidFrom, type EventStore, type Logger } from '@agent-platform/infra';
import type { AgentRunJournal } from './stream.js';

/** Thrown by a step that recorded a wait: the run stops here, its lease ended, until the task it waits on ends. */
export class RunWaits extends Error {
  constructor(readonly wait: RunWait) {
    super(`agent run ${wait.run_id} waits for human task ${wait.task_id}`);
    this.name = 'RunWaits';
  }
}

/** The task a wait asks for, created under the wait's id: once, however often it is created (`HUMAN_TASK_EXISTS` is its earlier creation). */
export const createWaitTask = async (store: EventStore, wait: RunWait, scope: { workspaceId: string; correlationId?: string | undefined }): Promise<void> => {
  const { task_type, title, description, request_payload_json, subject } = wait.task;
  await sendCommand(
    store,
    humanTaskDecider,
    streamId(HUMAN_TASKS_CATEGORY, wait.task_id),
    {
      type: 'CreateHumanTask',
      data: {
        task_id: wait.task_id,
        workspace_id: scope.workspaceId,
        task_type,
        title,
        ...(description ? { description } : {}),
        run_id: wait.run_id,
        node_run_id: wait.invocation_id,
        request_payload_json,
        subject,
      },
    },
    { workspaceId: scope.workspaceId, causationId: wait.run_id, ...(scope.correlationId ? { correlationId: scope.correlationId } : {}) },
    { newStream: true, retryOnConflict: 1 },
  ).catch((error: unknown) => {
    if (!(error instanceof ConflictError && error.code === 'HUMAN_TASK_EXISTS')) throw error;
  });
};

/** What the model is told of a call a person did not approve. */
export const skippedBecause = (decision: HumanDecision): string => {
  const comment = decision.comment ? `: ${decision.comment}` : '';
  switch (decision.outcome) {
    case 'rejected':
      return `a person (${decision.acted_by ?? 'unknown'}) rejected this call${comment}`;
    case 'cancelled':
      return `the approval of this call was cancelled${comment}`;
    case 'expired':
      return 'nobody approved this call in time';
    default:
      return `the call was not approved (${decision.outcome})`;
  }
};

export type Approval = { input: Record<string, unknown> } | { skipped: string };

/**
 * The approval gate before a call whose ref requires one. Decided already: the approved input (the
 * approver's edit, if any), or why the call is skipped. Not yet asked: the wait is recorded first (before any
 * effect), then the task is created, and the run stops (`RunWaits`). A task not created here (this process
 * died) is created by the `agent-run-wait-tasks` reaction from the recorded wait.
 */
export const approvalGate = (deps: { store: EventStore; log: Logger }, journal: AgentRunJournal, leaseId: string) => {
  const run = journal.state() as ActiveRun;
  return async (call: { invocationId: string; step: number; subject: Omit<ApprovalSubject, 'input_json' | 'input_hash'>; input: Record<string, unknown> }): Promise<Approval> => {
    const decision = (journal.state() as ActiveRun).decisions[call.invocationId];
    if (decision) return decision.outcome === 'approved' && decision.approved_input ? { input: decision.approved_input.input_json } : { skipped: skippedBecause(decision) };
    const input_hash = approvalHash(call.subject.version_id, call.input);
    const subject: ApprovalSubject = { ...call.subject, input_json: call.input, input_hash };
    const wait: RunWait = {
      run_id: journal.runId,
      reason: 'approval',
      task_id: uuidFrom('agent-run-task', journal.runId, call.invocationId),
      invocation_id: call.invocationId,
      step: call.step,
      task: {
        task_type: 'approval',
        title: `Approve the call of ${call.subject.kind} ${call.subject.code}`,
        description: `Agent run ${journal.runId} asks to call ${call.subject.kind} ${call.subject.code} with this input. Approve it as it is, edit it (response_payload_json.input_json), or reject it.`,
        request_payload_json: { kind: call.subject.kind, code: call.subject.code, version_id: call.subject.version_id, input_json: call.input, input_hash },
        subject,
      },
    };
    await journal.record({ type: 'AwaitHuman', data: { ...wait, lease_id: leaseId } });
    await createWaitTask(deps.store, wait, { workspaceId: run.workspaceId, correlationId: run.correlationId }).catch((error: unknown) => {
      deps.log.warn({ err: error, task_id: wait.task_id }, 'creating the task a run waits on failed; the agent-run-wait-tasks reaction creates it');
    });
    throw new RunWaits(wait);
  };
};
