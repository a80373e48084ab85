import {
  ConflictError,
  NotFoundError,
  TERMINAL_RUN_STATUSES,
  type AgentRunEvent,
  type AgentRunStatus,
  type HumanDecision,
  type PreparedRun,
  type RecordedModelCall,
  type RunError,
  type RunHandBack,
  type RunPause,
  type RunWait,
  type ToolInvocationStatus,
  type Usage,
} from '@agent-platform/contracts';

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

export const TERMINAL = new Set<AgentRunStatus>(TERMINAL_RUN_STATUSES);
export const isTerminal = (state: AgentRunState): boolean => state.status !== 'none' && TERMINAL.has(state.status);

export const existing = (state: AgentRunState, runId: string): ActiveRun => {
  if (state.status === 'none') throw new NotFoundError('AGENT_RUN_NOT_FOUND', `agent run ${runId} does not exist`);
  return state;
};

/** Steps are recorded only by the holder of the newest lease: a processor that lost its lease gets a conflict, not a duplicate effect. */
export const heldBy = (state: AgentRunState, runId: string, leaseId: string): ActiveRun => {
  const run = existing(state, runId);
  if (TERMINAL.has(run.status)) throw new ConflictError('AGENT_RUN_ENDED', `agent run ${runId} is ${run.status}`);
  if (run.lease?.id !== leaseId) throw new ConflictError('AGENT_RUN_LEASE_LOST', `agent run ${runId} is leased to another worker`);
  return run;
};

export const prepared = (run: ActiveRun, runId: string): PreparedRun => {
  if (!run.prepared) throw new ConflictError('AGENT_RUN_NOT_PREPARED', `agent run ${runId} has not been prepared`);
  return run.prepared;
};

/** An invocation that ended is never started or ended again: its recorded outcome stands. */
export const notEnded = (run: ActiveRun, invocationId: string): void => {
  const status = run.invocations[invocationId]?.status;
  if (status === 'completed' || status === 'failed' || status === 'skipped') {
    throw new ConflictError('TOOL_INVOCATION_ENDED', `tool invocation ${invocationId} is already ${status}`);
  }
};
