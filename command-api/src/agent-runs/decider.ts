import { ConflictError, NotFoundError, type AgentRunCommand, type AgentRunEvent, type AgentRunStatus } from '@agent-platform/contracts';
import type { Decider } from '../decider.js';

export type AgentRunState =
  | { status: 'none' }
  | {
      status: AgentRunStatus;
      workspaceId: string;
      lease?: { id: string; workerKey: string; expiresAt: string };
      attempts: number;
    };

const TERMINAL = new Set<AgentRunStatus>(['completed', 'failed', 'cancelled']);

/** Steps are recorded only by the holder of the newest lease: a processor that lost its lease gets a conflict, not a duplicate effect. */
const heldBy = (state: AgentRunState, runId: string, leaseId: string) => {
  if (state.status === 'none') throw new NotFoundError('AGENT_RUN_NOT_FOUND', `agent run ${runId} does not exist`);
  if (TERMINAL.has(state.status)) throw new ConflictError('AGENT_RUN_ENDED', `agent run ${runId} is ${state.status}`);
  if (state.lease?.id !== leaseId) throw new ConflictError('AGENT_RUN_LEASE_LOST', `agent run ${runId} is leased to another worker`);
  return state;
};

export const agentRunDecider: Decider<AgentRunState, AgentRunCommand, AgentRunEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'AgentRunQueued':
        return { status: 'queued', workspaceId: event.metadata.workspace_id, attempts: 0 };
      case 'AgentRunLeased':
        return state.status === 'none'
          ? state
          : {
              ...state,
              status: 'running',
              attempts: event.data.attempt,
              lease: { id: event.data.lease_id, workerKey: event.data.worker_key, expiresAt: event.data.lease_expires_at },
            };
      case 'AgentRunCompleted':
        return state.status === 'none' ? state : { ...state, status: 'completed' };
      case 'AgentRunFailed':
        return state.status === 'none' ? state : { ...state, status: 'failed' };
      case 'AgentRunCancelled':
        return state.status === 'none' ? state : { ...state, status: 'cancelled' };
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'QueueAgentRun': {
        if (state.status !== 'none') throw new ConflictError('AGENT_RUN_EXISTS', `agent run ${command.data.run_id} already exists`);
        const { workspace_id: _workspace, ...data } = command.data;
        return [{ type: 'AgentRunQueued', data }];
      }
      case 'LeaseAgentRun': {
        const { run_id, worker_key, lease_id, now, lease_ms } = command.data;
        if (state.status === 'none') throw new NotFoundError('AGENT_RUN_NOT_FOUND', `agent run ${run_id} does not exist`);
        if (TERMINAL.has(state.status)) throw new ConflictError('AGENT_RUN_ENDED', `agent run ${run_id} is ${state.status}`);
        if (state.lease && Date.parse(state.lease.expiresAt) > Date.parse(now) && state.lease.workerKey !== worker_key) {
          throw new ConflictError('AGENT_RUN_LEASED', `agent run ${run_id} is leased to ${state.lease.workerKey}`);
        }
        const lease_expires_at = new Date(Date.parse(now) + lease_ms).toISOString();
        return [{ type: 'AgentRunLeased', data: { run_id, worker_key, lease_id, lease_expires_at, attempt: state.attempts + 1 } }];
      }
      case 'CompleteAgentRun': {
        const { run_id, lease_id, answer, usage } = command.data;
        heldBy(state, run_id, lease_id);
        return [{ type: 'AgentRunCompleted', data: { run_id, answer, usage } }];
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
