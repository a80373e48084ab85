import {
  approvalHash,
  ConflictError,
  skillCallCode,
  HandBackMessages,
  type HumanDecision,
  type InvocationStart,
  type RunHandBack,
  type RunPause,
  type RunWait,
  NotFoundError,
  TERMINAL_RUN_STATUSES,
  type AgentRunCommand,
  type AgentRunEvent,
  type AgentRunStatus,
  type PreparedRun,
  type RecordedModelCall,
  type RunError,
  type ToolInvocationStatus,
  type Usage,
} from '@agent-platform/contracts';
import type { Decider } from '../decider.js';

export type InvocationRecord = {
  status: ToolInvocationStatus;
  step: number;
  toolCode: string;
  attempts: number;
  output?: unknown;
  error?: RunError;
  /** Why a skipped call was not made: a resumed run tells its model the same. */
  reason?: string;
};

/**
 * A run's journal: what a processor needs to resume it from its last recorded step. Model answers and
 * ended tool invocations are kept, so a resumed run replays them instead of calling again.
 */
export type AgentRunState =
  | { status: 'none' }
  | {
      status: AgentRunStatus;
      workspaceId: string;
      /** What was asked for: agent, version, session, input. */
      request: AgentRunRequest;
      /** The correlation id of the request that queued the run; every step carries it. */
      correlationId: string | undefined;
      dryRun: boolean;
      lease?: { id: string; workerKey: string; expiresAt: string };
      /** Every lease the run was given: one that ended (a wait, a pause, a takeover by another worker) is never renewed. */
      leaseIds: string[];
      attempts: number;
      /** Leases taken in a row without a step recorded (a model call, an ended tool invocation): what bounds a run that never gets further. */
      stalls: number;
      prepared?: PreparedRun;
      modelCalls: RecordedModelCall[];
      invocations: Record<string, InvocationRecord>;
      usage: Usage;
      answer?: string;
      error?: RunError;
      /** The wait the run is in (or was in when it was cancelled, so its open task can be cancelled too). */
      waiting?: RunWait;
      /** Every wait the run recorded, by invocation, and how the person decided, once they did. */
      waits: Record<string, RunWait>;
      decisions: Record<string, HumanDecision>;
      /** Stopped by a person (a pause, a takeover) until it is given back. */
      paused?: RunPause;
      /** What people gave back, in order: their messages join the prompt after the step each names. */
      handBacks: RunHandBack[];
    };
export type AgentRunRequest = Extract<AgentRunEvent, { type: 'AgentRunQueued' }>['data'];
export type ActiveRun = Exclude<AgentRunState, { status: 'none' }>;

const TERMINAL = new Set<AgentRunStatus>(TERMINAL_RUN_STATUSES);
export const isTerminal = (state: AgentRunState): boolean => state.status !== 'none' && TERMINAL.has(state.status);

const existing = (state: AgentRunState, runId: string): ActiveRun => {
  if (state.status === 'none') throw new NotFoundError('AGENT_RUN_NOT_FOUND', `agent run ${runId} does not exist`);
  return state;
};

/** Steps are recorded only by the holder of the newest lease: a processor that lost its lease gets a conflict, not a duplicate effect. */
const heldBy = (state: AgentRunState, runId: string, leaseId: string): ActiveRun => {
  const run = existing(state, runId);
  if (TERMINAL.has(run.status)) throw new ConflictError('AGENT_RUN_ENDED', `agent run ${runId} is ${run.status}`);
  if (run.lease?.id !== leaseId) throw new ConflictError('AGENT_RUN_LEASE_LOST', `agent run ${runId} is leased to another worker`);
  return run;
};

const prepared = (run: ActiveRun, runId: string): PreparedRun => {
  if (!run.prepared) throw new ConflictError('AGENT_RUN_NOT_PREPARED', `agent run ${runId} has not been prepared`);
  return run.prepared;
};

/** An invocation that ended is never started or ended again: its recorded outcome stands. */
const notEnded = (run: ActiveRun, invocationId: string): void => {
  const status = run.invocations[invocationId]?.status;
  if (status === 'completed' || status === 'failed' || status === 'skipped') {
    throw new ConflictError('TOOL_INVOCATION_ENDED', `tool invocation ${invocationId} is already ${status}`);
  }
};

const withInvocation = (run: ActiveRun, id: string, change: (prior: InvocationRecord | undefined) => InvocationRecord): ActiveRun => ({
  ...run,
  invocations: { ...run.invocations, [id]: change(run.invocations[id]) },
});

const onActive = (state: AgentRunState, change: (run: ActiveRun) => ActiveRun): AgentRunState =>
  state.status === 'none' ? state : change(state);

/** Whether the plan says a person approves this call before it is made: the plan's ref decides, not the caller. */
const approvalRequired = (plan: PreparedRun, start: Pick<InvocationStart, 'tool_code'>): boolean =>
  plan.selected_tool_refs.some((t) => t.requires_approval && t.tool_code === start.tool_code) ||
  plan.selected_skill_refs.some((s) => s.requires_approval && skillCallCode(s) === start.tool_code);

/**
 * A call that waited for an approval is made with the approved input and the approved version only: the
 * hash of what it is started with must be the one the approval recorded. No runner can call anything else.
 */
const approvedCall = (run: ActiveRun, plan: PreparedRun, start: InvocationStart): void => {
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
const waitOn = (run: ActiveRun, taskId: string): RunWait | undefined => Object.values(run.waits).find((w) => w.task_id === taskId);

export const agentRunDecider: Decider<AgentRunState, AgentRunCommand, AgentRunEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'AgentRunQueued':
        return {
          status: 'queued',
          workspaceId: event.metadata.workspace_id,
          request: event.data,
          correlationId: event.metadata.correlation_id,
          dryRun: event.data.dry_run,
          attempts: 0,
          stalls: 0,
          modelCalls: [],
          invocations: {},
          waits: {},
          decisions: {},
          handBacks: [],
          leaseIds: [],
          usage: { prompt_tokens: 0, completion_tokens: 0 },
        };
      case 'AgentRunAwaitingHuman':
        // Waiting ends the lease, so whoever records the decision can lease the run at once.
        return onActive(state, ({ lease: _lease, ...run }) => ({
          ...run,
          status: 'awaiting_human',
          stalls: 0,
          waiting: event.data,
          waits: { ...run.waits, [event.data.invocation_id]: event.data },
        }));
      case 'AgentRunResumed':
        return onActive(state, ({ waiting: _waiting, ...run }) => {
          const wait = waitOn(run, event.data.task_id);
          return { ...run, status: 'running', decisions: wait ? { ...run.decisions, [wait.invocation_id]: event.data } : run.decisions };
        });
      case 'AgentRunPaused':
        // Its lease ends: the worker driving it finds out at its next step, and lets it go.
        return onActive(state, ({ lease: _lease, ...run }) => ({ ...run, status: 'awaiting_human', paused: event.data }));
      case 'AgentRunUnpaused':
        return onActive(state, ({ paused: _paused, ...run }) => ({ ...run, status: 'running', handBacks: [...run.handBacks, event.data] }));
      case 'AgentRunLeased':
        return onActive(state, (run) => ({
          ...run,
          status: 'running',
          attempts: event.data.attempt,
          stalls: event.data.attempt > run.attempts ? run.stalls + 1 : run.stalls,
          lease: { id: event.data.lease_id, workerKey: event.data.worker_key, expiresAt: event.data.lease_expires_at },
          leaseIds: run.leaseIds.includes(event.data.lease_id) ? run.leaseIds : [...run.leaseIds, event.data.lease_id],
        }));
      case 'AgentRunPrepared':
        return onActive(state, (run) => ({ ...run, prepared: event.data, dryRun: event.data.dry_run }));
      case 'ModelCallCompleted':
        return onActive(state, (run) => ({
          ...run,
          stalls: 0,
          modelCalls: [...run.modelCalls, event.data],
          usage: {
            prompt_tokens: run.usage.prompt_tokens + event.data.usage.prompt_tokens,
            completion_tokens: run.usage.completion_tokens + event.data.usage.completion_tokens,
          },
        }));
      case 'ToolInvocationSelected':
      case 'ToolInvocationStarted':
        return onActive(state, (run) =>
          withInvocation(run, event.data.invocation_id, (prior) => ({
            status: event.type === 'ToolInvocationStarted' ? 'running' : 'selected',
            step: event.data.step,
            toolCode: event.data.tool_code,
            attempts: (prior?.attempts ?? 0) + (event.type === 'ToolInvocationStarted' ? 1 : 0),
          })),
        );
      case 'ToolInvocationCompleted':
        return onActive(state, (run) =>
          withInvocation({ ...run, stalls: 0 }, event.data.invocation_id, (prior) => ({
            step: event.data.step,
            toolCode: prior?.toolCode ?? '',
            attempts: prior?.attempts ?? 1,
            status: 'completed',
            output: event.data.output_json,
          })),
        );
      case 'ToolInvocationFailed':
        return onActive(state, (run) =>
          withInvocation({ ...run, stalls: 0 }, event.data.invocation_id, (prior) => ({
            step: event.data.step,
            toolCode: event.data.tool_code,
            attempts: prior?.attempts ?? 0,
            status: 'failed',
            error: event.data.error,
          })),
        );
      case 'ToolInvocationSkipped':
        return onActive(state, (run) =>
          withInvocation({ ...run, stalls: 0 }, event.data.invocation_id, () => ({
            step: event.data.step,
            toolCode: event.data.tool_code,
            attempts: 0,
            status: 'skipped',
            reason: event.data.reason,
          })),
        );
      case 'AgentRunCompleted':
        return onActive(state, (run) => ({ ...run, status: 'completed', answer: event.data.answer }));
      case 'AgentRunFailed':
        return onActive(state, (run) => ({ ...run, status: 'failed', error: event.data.error }));
      case 'AgentRunCancelled':
        return onActive(state, (run) => ({ ...run, status: 'cancelled' }));
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'QueueAgentRun': {
        if (state.status !== 'none') throw new ConflictError('AGENT_RUN_EXISTS', `agent run ${command.data.run_id} already exists`);
        const { workspace_id: _workspace, team_run_id, member_key, ...data } = command.data;
        return [{ type: 'AgentRunQueued', data: { ...data, team_run_id: team_run_id ?? null, member_key: member_key ?? null } }];
      }
      case 'LeaseAgentRun': {
        const { run_id, worker_key, lease_id, now, lease_ms } = command.data;
        const run = existing(state, run_id);
        if (TERMINAL.has(run.status)) throw new ConflictError('AGENT_RUN_ENDED', `agent run ${run_id} is ${run.status}`);
        // Nobody drives a run past a person: the decision, recorded on its stream, makes it leasable again.
        if (run.status === 'awaiting_human') throw new ConflictError('AGENT_RUN_WAITING', `agent run ${run_id} waits for human task ${run.waiting?.task_id}`);
        const renewal = run.lease?.id === lease_id;
        // The heartbeat of a worker whose lease a wait or a pause ended would otherwise take the run back, and drive it past the person.
        if (!renewal && run.leaseIds.includes(lease_id)) throw new ConflictError('AGENT_RUN_LEASE_LOST', `agent run ${run_id}: lease ${lease_id} ended`);
        // Also for the same worker key: two drivers of one run under one key would both make its calls.
        if (!renewal && run.lease && Date.parse(run.lease.expiresAt) > Date.parse(now)) {
          throw new ConflictError('AGENT_RUN_LEASED', `agent run ${run_id} is leased to ${run.lease.workerKey} until ${run.lease.expiresAt}`);
        }
        const lease_expires_at = new Date(Date.parse(now) + lease_ms).toISOString();
        const attempt = renewal ? run.attempts : run.attempts + 1;
        return [{ type: 'AgentRunLeased', data: { run_id, worker_key, lease_id, lease_expires_at, attempt } }];
      }
      case 'PrepareAgentRun': {
        const { lease_id, ...data } = command.data;
        const run = heldBy(state, data.run_id, lease_id);
        if (run.prepared) throw new ConflictError('AGENT_RUN_PREPARED', `agent run ${data.run_id} was prepared already`);
        return [{ type: 'AgentRunPrepared', data }];
      }
      case 'RecordModelCall': {
        const { lease_id, ...data } = command.data;
        const run = heldBy(state, data.run_id, lease_id);
        const plan = prepared(run, data.run_id);
        if (data.step !== run.modelCalls.length + 1) {
          throw new ConflictError('AGENT_RUN_STEP_OUT_OF_ORDER', `agent run ${data.run_id} expects model call ${run.modelCalls.length + 1}, not ${data.step}`);
        }
        if (data.step > plan.react_max_steps) {
          throw new ConflictError('AGENT_RUN_MAX_STEPS', `agent run ${data.run_id} may make at most ${plan.react_max_steps} model calls`);
        }
        return [{ type: 'ModelCallCompleted', data }];
      }
      case 'SelectToolInvocation':
      case 'StartToolInvocation': {
        const { lease_id, ...data } = command.data;
        const run = heldBy(state, data.run_id, lease_id);
        const plan = prepared(run, data.run_id);
        notEnded(run, data.invocation_id);
        if (command.type === 'StartToolInvocation') approvedCall(run, plan, data);
        return [{ type: command.type === 'StartToolInvocation' ? 'ToolInvocationStarted' : 'ToolInvocationSelected', data }];
      }
      case 'CompleteToolInvocation': {
        const { lease_id, run_id, invocation_id, output_json, duration_ms } = command.data;
        const run = heldBy(state, run_id, lease_id);
        const invocation = run.invocations[invocation_id];
        if (invocation?.status !== 'running') {
          throw new ConflictError('TOOL_INVOCATION_NOT_RUNNING', `tool invocation ${invocation_id} is ${invocation?.status ?? 'not started'}`);
        }
        return [{ type: 'ToolInvocationCompleted', data: { run_id, invocation_id, step: invocation.step, output_json, duration_ms } }];
      }
      case 'FailToolInvocation':
      case 'SkipToolInvocation': {
        const run = heldBy(state, command.data.run_id, command.data.lease_id);
        notEnded(run, command.data.invocation_id);
        if (command.type === 'SkipToolInvocation') {
          const { lease_id: _lease, ...data } = command.data;
          return [{ type: 'ToolInvocationSkipped', data }];
        }
        const { lease_id: _lease, ...data } = command.data;
        return [{ type: 'ToolInvocationFailed', data }];
      }
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
      case 'CompleteAgentRun': {
        const { run_id, lease_id, answer } = command.data;
        const run = heldBy(state, run_id, lease_id);
        const { session_id, agent_id, agent_version_id, team_run_id } = run.request;
        return [{ type: 'AgentRunCompleted', data: { run_id, answer, usage: run.usage, session_id, agent_id, agent_version_id, dry_run: run.dryRun, team_run_id } }];
      }
      case 'FailAgentRun': {
        const { run_id, lease_id, error } = command.data;
        heldBy(state, run_id, lease_id);
        return [{ type: 'AgentRunFailed', data: { run_id, error } }];
      }
      case 'CancelAgentRun': {
        const { run_id, workspace_id, reason } = command.data;
        if (state.status === 'none' || state.workspaceId !== workspace_id) {
          throw new NotFoundError('AGENT_RUN_NOT_FOUND', `agent run ${run_id} does not exist in this workspace`);
        }
        if (TERMINAL.has(state.status)) throw new ConflictError('AGENT_RUN_ENDED', `agent run ${run_id} is already ${state.status}`);
        return [{ type: 'AgentRunCancelled', data: { run_id, reason: reason ?? null } }];
      }
    }
  },
};
