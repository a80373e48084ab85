import {
  approvalHash,
  ConflictError,
  HandBackMessages,
  NotFoundError,
  skillCallCode,
  type AgentRunCommand,
  type AgentRunEvent,
  type InvocationStart,
  type PreparedRun,
  type RunHandBack,
  type RunPause,
  type RunWait,
} from '@agent-platform/contracts';
import { heldBy, notEnded, prepared, TERMINAL, type ActiveRun, type AgentRunState } from './runState.js';

/** Whether the plan says a person approves this call before it is made: the plan's ref decides, not the caller. */
const approvalRequired = (plan: PreparedRun, start: Pick<InvocationStart, 'tool_code'>): boolean =>
  plan.selected_tool_refs.some((t) => t.requires_approval && t.tool_code === start.tool_code) ||
  plan.selected_skill_refs.some((s) => s.requires_approval && skillCallCode(s) === start.tool_code);

/**
 * A call that waited for an approval is made with the approved input and the approved version only: the
 * hash of what it is started with must be the one the approval recorded. No runner can call anything else.
 */
export const approvedCall = (run: ActiveRun, plan: PreparedRun, start: InvocationStart): void => {
  const decision = run.decisions[start.invocation_id];
  if (!decision && !approvalRequired(plan, start)) return;
  if (decision?.outcome !== 'approved' || !decision.approved_input) {
    throw new ConflictError('TOOL_INPUT_NOT_APPROVED', `tool invocation ${start.invocation_id} (${start.tool_code}) needs an approval, and has ${decision ? `a ${decision.outcome} one` : 'none'}`);
  }
  if (approvalHash(start.tool_version_id, start.input_json) !== decision.approved_input.input_hash) {
    throw new ConflictError('TOOL_INPUT_NOT_APPROVED', `tool invocation ${start.invocation_id} (${start.tool_code}): its input or version is not the one approved (${decision.approved_input.input_hash})`);
  }
};

/** A run of this workspace that has not ended: what a person may pause, resume or decide on. */
const inWorkspace = (state: AgentRunState, runId: string, workspaceId: string): ActiveRun => {
  if (state.status === 'none' || state.workspaceId !== workspaceId) throw new NotFoundError('AGENT_RUN_NOT_FOUND', `agent run ${runId} does not exist in this workspace`);
  if (TERMINAL.has(state.status)) throw new ConflictError('AGENT_RUN_ENDED', `agent run ${runId} is ${state.status}`);
  return state;
};
const handBack = (paused: RunPause, by: string | null, messages: RunHandBack['messages']): AgentRunEvent => ({
  type: 'AgentRunUnpaused',
  data: { run_id: paused.run_id, mode: paused.mode, by, task_id: paused.task_id, after_step: paused.after_step, messages },
});

/** The run's wait on this task: the only task whose end moves it on. */
export const waitOn = (run: ActiveRun, taskId: string): RunWait | undefined => Object.values(run.waits).find((w) => w.task_id === taskId);

type WaitCommand = Extract<AgentRunCommand, { type: 'AwaitHuman' | 'PauseAgentRun' | 'ResumeAgentRun' | 'RecordHumanDecision' }>;

/** The commands by which a run waits for people and goes on: its holder's wait, a person's pause and resume, a task's end. */
export const decideWait = (command: WaitCommand, state: AgentRunState): AgentRunEvent[] => {
  switch (command.type) {
    case 'AwaitHuman': {
      const { lease_id, ...data } = command.data;
      const run = heldBy(state, data.run_id, lease_id);
      prepared(run, data.run_id);
      notEnded(run, data.invocation_id);
      // Each interrupt is waited for once: a decided one is never asked again.
      if (run.decisions[data.invocation_id]) throw new ConflictError('AGENT_RUN_WAIT_DECIDED', `tool invocation ${data.invocation_id} was decided already`);
      return [{ type: 'AgentRunAwaitingHuman', data }];
    }
    case 'PauseAgentRun': {
      const { run_id, workspace_id, mode, by, reason, task_id } = command.data;
      const run = inWorkspace(state, run_id, workspace_id);
      if (run.status === 'awaiting_human') throw new ConflictError('AGENT_RUN_WAITING', `agent run ${run_id} is awaiting_human already (${run.paused ? `${run.paused.mode}d` : `waiting for human task ${run.waiting?.task_id}`})`);
      return [{ type: 'AgentRunPaused', data: { run_id, mode, by, reason, task_id: mode === 'takeover' ? task_id : null, after_step: run.modelCalls.length } }];
    }
    case 'ResumeAgentRun': {
      const { run_id, workspace_id, by, messages } = command.data;
      const run = inWorkspace(state, run_id, workspace_id);
      if (!run.paused) throw new ConflictError('AGENT_RUN_NOT_PAUSED', `agent run ${run_id} is ${run.status}, not paused or taken over`);
      return [handBack(run.paused, by, messages)];
    }
    case 'RecordHumanDecision': {
      const { workspace_id, ...data } = command.data;
      const run = inWorkspace(state, data.run_id, workspace_id);
      // The end of a takeover task gives the session back, with what the person wrote (`response_payload_json.messages`).
      if (run.paused?.task_id && run.paused.task_id === data.task_id) {
        const written = HandBackMessages.safeParse(data.response_payload_json.messages);
        return [handBack(run.paused, data.acted_by, written.success ? written.data : [])];
      }
      const wait = waitOn(run, data.task_id);
      if (wait && run.decisions[wait.invocation_id]) throw new ConflictError('AGENT_RUN_DECISION_RECORDED', `the decision on human task ${data.task_id} is recorded already`);
      // A task created over HTTP naming this run, or one it no longer waits on, moves nothing.
      if (run.status !== 'awaiting_human' || run.waiting?.task_id !== data.task_id) {
        throw new ConflictError('AGENT_RUN_NOT_WAITING', `agent run ${data.run_id} does not wait on human task ${data.task_id}`);
      }
      if (data.outcome === 'approved' && wait?.task.subject) {
        const approved = data.approved_input;
        // The hash is the run's to check: an approval of other arguments than those it says is refused.
        if (!approved || approvalHash(wait.task.subject.version_id, approved.input_json) !== approved.input_hash) {
          throw new ConflictError('APPROVAL_HASH_MISMATCH', `the approval of human task ${data.task_id} does not match the input it approves`);
        }
      }
      return [{ type: 'AgentRunResumed', data }];
    }
  }
};
