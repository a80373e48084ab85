import {
  ConflictError,
  NotFoundError,
  type SkillRunCommand,
  type SkillRunError,
  type SkillRunEvent,
  type SkillRunStatus,
} from '@agent-platform/contracts';
import type { Decider } from '../decider.js';

export type SkillRunRequest = Extract<SkillRunEvent, { type: 'SkillRunQueued' }>['data'];

/** A skill run's journal: enough for any worker to resume it, and to know whether its effect was started. */
export type SkillRunState =
  | { status: 'none' }
  | {
      status: SkillRunStatus;
      workspaceId: string;
      request: SkillRunRequest;
      /** The correlation id of the request that queued the run; every step carries it. */
      correlationId: string | undefined;
      lease?: { id: string; workerKey: string; expiresAt: string };
      attempts: number;
      /** Leases taken in a row without the run ending: what bounds a run whose step kills its worker every time. */
      stalls: number;
      /** Times the run's effect was started; a resumed run whose call was in flight makes it again with the same key. */
      calls: number;
      /** The agent run an agent skill's run delegated to, and how it ended once it did. */
      agentRunId?: string;
      agentOutcome?: AgentOutcome;
      output?: { json: unknown; text: string | null };
      error?: SkillRunError;
    };
export type AgentOutcome = Omit<Extract<SkillRunEvent, { type: 'SkillAgentRunEnded' }>['data'], 'run_id'>;
export type ActiveSkillRun = Exclude<SkillRunState, { status: 'none' }>;

const ENDED = new Set<SkillRunStatus>(['completed', 'failed', 'cancelled']);
export const isSkillRunEnded = (state: SkillRunState): boolean => state.status !== 'none' && ENDED.has(state.status);

const existing = (state: SkillRunState, runId: string): ActiveSkillRun => {
  if (state.status === 'none') throw new NotFoundError('SKILL_RUN_NOT_FOUND', `skill run ${runId} does not exist`);
  return state;
};
/** Steps are recorded only by the holder of the newest lease: a worker that lost its lease gets a conflict, not a duplicate effect. */
const heldBy = (state: SkillRunState, runId: string, leaseId: string): ActiveSkillRun => {
  const run = existing(state, runId);
  if (ENDED.has(run.status)) throw new ConflictError('SKILL_RUN_ENDED', `skill run ${runId} is ${run.status}`);
  if (run.lease?.id !== leaseId) throw new ConflictError('SKILL_RUN_LEASE_LOST', `skill run ${runId} is leased to another worker`);
  return run;
};
const on = (state: SkillRunState, change: (run: ActiveSkillRun) => ActiveSkillRun): SkillRunState => (state.status === 'none' ? state : change(state));

export const skillRunDecider: Decider<SkillRunState, SkillRunCommand, SkillRunEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'SkillRunQueued':
        return {
          status: 'queued',
          workspaceId: event.metadata.workspace_id,
          request: event.data,
          correlationId: event.metadata.correlation_id,
          attempts: 0,
          stalls: 0,
          calls: 0,
        };
      case 'SkillRunLeased':
        return on(state, (run) => ({
          ...run,
          status: 'running',
          attempts: event.data.attempt,
          stalls: event.data.attempt > run.attempts ? run.stalls + 1 : run.stalls,
          lease: { id: event.data.lease_id, workerKey: event.data.worker_key, expiresAt: event.data.lease_expires_at },
        }));
      case 'SkillCallStarted':
        return on(state, (run) => ({ ...run, calls: event.data.attempt }));
      case 'SkillRunDelegated':
        // Waiting ends the lease, so whoever records the agent run's end can lease the run at once; an agent
        // run that ended already (recorded by another writer first) leaves nothing to wait for.
        return on(state, ({ lease, ...run }) =>
          run.agentOutcome ? { ...run, ...(lease ? { lease } : {}), agentRunId: event.data.agent_run_id, stalls: 0 } : { ...run, status: 'awaiting_agent', agentRunId: event.data.agent_run_id, stalls: 0 },
        );
      case 'SkillAgentRunEnded': {
        const { run_id: _run, ...agentOutcome } = event.data;
        return on(state, (run) => ({ ...run, status: run.status === 'awaiting_agent' ? 'running' : run.status, agentOutcome, stalls: 0 }));
      }
      case 'SkillRunCompleted':
        return on(state, (run) => ({ ...run, status: 'completed', stalls: 0, output: { json: event.data.output_json, text: event.data.output_text } }));
      case 'SkillRunFailed':
        return on(state, (run) => ({ ...run, status: 'failed', stalls: 0, error: event.data.error }));
      case 'SkillRunCancelled':
        return on(state, (run) => ({ ...run, status: 'cancelled' }));
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'QueueSkillRun': {
        if (state.status !== 'none') throw new ConflictError('SKILL_RUN_EXISTS', `skill run ${command.data.run_id} already exists`);
        const { run_id, skill_id, skill_version_id, runtime_type, input_json, auto_execute } = command.data;
        return [{ type: 'SkillRunQueued', data: { run_id, skill_id, skill_version_id, runtime_type, input_json, auto_execute } }];
      }
      case 'LeaseSkillRun': {
        const { run_id, worker_key, lease_id, now, lease_ms } = command.data;
        const run = existing(state, run_id);
        if (ENDED.has(run.status)) throw new ConflictError('SKILL_RUN_ENDED', `skill run ${run_id} is ${run.status}`);
        const renewal = run.lease?.id === lease_id;
        if (!renewal && run.lease && Date.parse(run.lease.expiresAt) > Date.parse(now)) {
          throw new ConflictError('SKILL_RUN_LEASED', `skill run ${run_id} is leased to ${run.lease.workerKey} until ${run.lease.expiresAt}`);
        }
        const lease_expires_at = new Date(Date.parse(now) + lease_ms).toISOString();
        return [{ type: 'SkillRunLeased', data: { run_id, worker_key, lease_id, lease_expires_at, attempt: renewal ? run.attempts : run.attempts + 1 } }];
      }
      case 'StartSkillCall': {
        const { run_id, lease_id, idempotency_key } = command.data;
        const run = heldBy(state, run_id, lease_id);
        return [{ type: 'SkillCallStarted', data: { run_id, idempotency_key, attempt: run.calls + 1 } }];
      }
      case 'DelegateSkillRun': {
        const { run_id, lease_id, agent_run_id } = command.data;
        heldBy(state, run_id, lease_id);
        return [{ type: 'SkillRunDelegated', data: { run_id, agent_run_id } }];
      }
      case 'RecordSkillAgentRunEnded': {
        const run = existing(state, command.data.run_id);
        if (ENDED.has(run.status)) throw new ConflictError('SKILL_RUN_ENDED', `skill run ${command.data.run_id} is ${run.status}`);
        if (run.agentOutcome) throw new ConflictError('SKILL_AGENT_RUN_RECORDED', `skill run ${command.data.run_id} recorded its agent run's end already`);
        if (run.agentRunId && run.agentRunId !== command.data.agent_run_id) {
          throw new ConflictError('SKILL_AGENT_RUN_MISMATCH', `skill run ${command.data.run_id} waits for agent run ${run.agentRunId}, not ${command.data.agent_run_id}`);
        }
        return [{ type: 'SkillAgentRunEnded', data: command.data }];
      }
      case 'CompleteSkillRun': {
        const { lease_id: _lease, ...data } = command.data;
        heldBy(state, data.run_id, command.data.lease_id);
        return [{ type: 'SkillRunCompleted', data }];
      }
      case 'FailSkillRun': {
        const { run_id, lease_id, error } = command.data;
        heldBy(state, run_id, lease_id);
        return [{ type: 'SkillRunFailed', data: { run_id, error } }];
      }
      case 'CancelSkillRun': {
        const { run_id, workspace_id, reason } = command.data;
        if (state.status === 'none' || state.workspaceId !== workspace_id) {
          throw new NotFoundError('SKILL_RUN_NOT_FOUND', `skill run ${run_id} does not exist in this workspace`);
        }
        if (ENDED.has(state.status)) throw new ConflictError('SKILL_RUN_ENDED', `skill run ${run_id} is already ${state.status}`);
        return [{ type: 'SkillRunCancelled', data: { run_id, reason: reason ?? null } }];
      }
    }
  },
};
