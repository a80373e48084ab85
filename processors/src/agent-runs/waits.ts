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
export const createWaitTask = async (
  store: EventStore,
  wait: Pick<RunWait, 'task_id' | 'run_id' | 'task'> & { invocation_id: string | null },
  scope: { workspaceId: string; correlationId?: string | undefined },
): Promise<void> => {
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
        ...(wait.invocation_id ? { node_run_id: wait.invocation_id } : {}),
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
type Deps = { store: EventStore; log: Logger };

/**
 * Records that the run waits (before any effect: its lease ends with it), creates the task it waits on, and
 * stops the run (`RunWaits`). A task not created here (this process died, the database blinked) is created
 * by the `agent-run-wait-tasks` reaction from the recorded wait, under the same id.
 */
const waitFor = async (deps: Deps, journal: AgentRunJournal, leaseId: string, wait: RunWait): Promise<never> => {
  const run = journal.state() as ActiveRun;
  await journal.record({ type: 'AwaitHuman', data: { ...wait, lease_id: leaseId } });
  await createWaitTask(deps.store, wait, { workspaceId: run.workspaceId, correlationId: run.correlationId }).catch((error: unknown) => {
    deps.log.warn({ err: error, task_id: wait.task_id }, 'creating the task a run waits on failed; the agent-run-wait-tasks reaction creates it');
  });
  throw new RunWaits(wait);
};
/** The task a run waits on for this invocation: the same on every attempt. */
const taskIdOf = (runId: string, invocationId: string) => uuidFrom('agent-run-task', runId, invocationId);
const decisionOn = (journal: AgentRunJournal, invocationId: string): HumanDecision | undefined => (journal.state() as ActiveRun).decisions[invocationId];

/**
 * The approval gate before a call whose ref requires one. Decided already: the approved input (the
 * approver's edit, if any), or why the call is skipped. Not yet asked: the run waits for an approval task
 * whose subject is the call, bound by the hash of its input and version.
 */
export const approvalGate = (deps: Deps, journal: AgentRunJournal, leaseId: string) =>
  async (call: { invocationId: string; step: number; subject: Omit<ApprovalSubject, 'input_json' | 'input_hash'>; input: Record<string, unknown> }): Promise<Approval> => {
    const decision = decisionOn(journal, call.invocationId);
    if (decision) return decision.outcome === 'approved' && decision.approved_input ? { input: decision.approved_input.input_json } : { skipped: skippedBecause(decision) };
    const input_hash = approvalHash(call.subject.version_id, call.input);
    const { kind, code, version_id } = call.subject;
    return waitFor(deps, journal, leaseId, {
      run_id: journal.runId,
      reason: 'approval',
      task_id: taskIdOf(journal.runId, call.invocationId),
      invocation_id: call.invocationId,
      step: call.step,
      task: {
        task_type: 'approval',
        title: `Approve the call of ${kind} ${code}`,
        description: `Agent run ${journal.runId} asks to call ${kind} ${code} with this input. Approve it as it is, edit it (response_payload_json.input_json), or reject it.`,
        request_payload_json: { kind, code, version_id, input_json: call.input, input_hash },
        subject: { ...call.subject, input_json: call.input, input_hash },
      },
    });
  };

/** What the model is told of a person's answer: `response_payload_json.answer` when it is text, else the whole payload. */
export const answerOf = (decision: HumanDecision): string => {
  const comment = decision.comment ? ` (comment: ${decision.comment})` : '';
  if (decision.outcome !== 'completed' && decision.outcome !== 'approved') return `Nobody answered: the question was ${decision.outcome}${comment}`;
  const answer = decision.response_payload_json.answer;
  return `A person (${decision.acted_by ?? 'unknown'}) answered: ${typeof answer === 'string' ? answer : JSON.stringify(decision.response_payload_json)}${comment}`;
};

/** `ask_human`: the run waits for an `input` task holding the model's question, and the answer is its observation. */
export const questionGate = (deps: Deps, journal: AgentRunJournal, leaseId: string) =>
  async (call: { invocationId: string; step: number; question: string }): Promise<string> => {
    const decision = decisionOn(journal, call.invocationId);
    if (decision) return answerOf(decision);
    return waitFor(deps, journal, leaseId, {
      run_id: journal.runId,
      reason: 'input',
      task_id: taskIdOf(journal.runId, call.invocationId),
      invocation_id: call.invocationId,
      step: call.step,
      task: {
        task_type: 'input',
        title: 'A question from an agent run',
        description: call.question,
        request_payload_json: { question: call.question },
        subject: null,
      },
    });
  };
