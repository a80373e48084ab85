import { ConflictError, NotFoundError, type AgentRunCommand, type AgentRunEvent } from '@agent-platform/contracts';
import type { Decider } from '../decider.js';
import { existing, heldBy, notEnded, prepared, TERMINAL, type ActiveRun, type AgentRunState, type InvocationRecord } from './runState.js';
import { approvedCall, decideWait, waitOn } from './waitRules.js';

export { isTerminal, type ActiveRun, type AgentRunRequest, type AgentRunState, type InvocationRecord } from './runState.js';


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
      case 'AwaitHuman':
      case 'PauseAgentRun':
      case 'ResumeAgentRun':
      case 'RecordHumanDecision':
        return decideWait(command, state);
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
