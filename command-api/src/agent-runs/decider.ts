import {
  ConflictError,
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
      attempts: number;
      /** Leases taken in a row without a step recorded (a model call, an ended tool invocation): what bounds a run that never gets further. */
      stalls: number;
      prepared?: PreparedRun;
      modelCalls: RecordedModelCall[];
      invocations: Record<string, InvocationRecord>;
      usage: Usage;
      answer?: string;
      error?: RunError;
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
          usage: { prompt_tokens: 0, completion_tokens: 0 },
        };
      case 'AgentRunLeased':
        return onActive(state, (run) => ({
          ...run,
          status: 'running',
          attempts: event.data.attempt,
          stalls: event.data.attempt > run.attempts ? run.stalls + 1 : run.stalls,
          lease: { id: event.data.lease_id, workerKey: event.data.worker_key, expiresAt: event.data.lease_expires_at },
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
          withInvocation({ ...run, stalls: 0 }, event.data.invocation_id, () => ({ step: event.data.step, toolCode: event.data.tool_code, attempts: 0, status: 'skipped' })),
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
        const renewal = run.lease?.id === lease_id;
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
        prepared(run, data.run_id);
        notEnded(run, data.invocation_id);
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
