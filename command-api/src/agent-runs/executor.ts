import { ConflictError, type AgentRunOutcome, type PreparedRun, type RecordedEvent } from '@agent-platform/contracts';
import type { AgentRunRequest, AgentRunState } from './decider.js';

export type ExecuteOptions = {
  workerKey: string;
  /** Plan only, call nothing; the run's own `dry_run` when left out. Ignored when the run was planned already. */
  dryRun?: boolean;
  leaseMs?: number;
  /** The run's stream as the caller has it (the queued event it just appended): not read again. A stream that moved since is caught up with at the first step. */
  known?: RecordedEvent[];
  /** The run's plan, made (`plan`) while the run was being queued; used unless the run was planned already. */
  planned?: Promise<PreparedRun>;
};

/** A run to plan before it is queued: its request as the queued event will hold it. */
export type RunToPlan = {
  /** `team_run_id`: a team's member run reads its team's memory. */
  request: Pick<AgentRunRequest, 'run_id' | 'agent_id' | 'agent_version_id' | 'session_id' | 'input_text'> & { team_run_id?: string | null };
  workspaceId: string;
  dryRun: boolean;
};

/**
 * Runs agent runs: the port the command side declares, the processors' run kernel implements (so the
 * command side needs nothing of processors). `start` resolves once the run is leased to the caller (or
 * throws `AGENT_RUN_LEASED` / `AGENT_RUN_ENDED`), with `done`, which settles when the run ends or the
 * lease is lost; `execute` is `POST /agents/runs/:id/execute`: start it, or wait for its holder, bounded.
 */
export type RunExecutor = {
  start: (runId: string, options: ExecuteOptions) => Promise<{ done: Promise<AgentRunOutcome> }>;
  /**
   * In the caller's workspace (another's is 404): the caller's worker takes the run if nobody holds it, else
   * the caller waits for the holder; at most `waitMs` either way, `settled: false` when it still goes on.
   * `claim`: only a run this worker can take; one another worker holds or that ended is refused (409).
   */
  execute: (
    runId: string,
    workspaceId: string,
    options: ExecuteOptions & { waitMs: number; claim?: boolean },
  ) => Promise<{ settled: boolean; outcome: AgentRunOutcome }>;
  /**
   * Plans a run that is about to be queued, so that planning's reads overlap the queue's append. Rejects
   * as `start` would fail the run (a missing tool, say); `start` with the result as `planned` records it.
   */
  plan?: (run: RunToPlan) => Promise<PreparedRun>;
};

/** What `start` throws when the run is not the caller's to drive: another worker holds it, or it ended. */
export const isTakenElsewhere = (error: unknown): error is ConflictError =>
  error instanceof ConflictError && (error.code === 'AGENT_RUN_LEASED' || error.code === 'AGENT_RUN_ENDED');

/** Where a run stands, from its own stream. */
/** What a run waits for while it is `awaiting_human`, as its view says it. */
export const waitingFor = (state: AgentRunState): AgentRunOutcome['waiting_for'] => {
  if (state.status !== 'awaiting_human') return null;
  if (state.paused) return { reason: state.paused.mode, task_id: state.paused.task_id, invocation_id: null, step: state.paused.after_step };
  if (!state.waiting) return null;
  const { reason, task_id, invocation_id, step } = state.waiting;
  return { reason, task_id, invocation_id, step };
};

export const outcomeOf = (runId: string, state: AgentRunState, position: number): AgentRunOutcome => {
  if (state.status === 'none') throw new Error(`agent run ${runId} does not exist`);
  const { agent_id, agent_version_id, session_id, input_text, auto_execute } = state.request;
  return {
    id: runId,
    agent_id,
    agent_version_id,
    session_id,
    input_text,
    auto_execute,
    status: state.status,
    dry_run: state.dryRun,
    worker_key: state.lease?.workerKey ?? null,
    attempts: state.attempts,
    steps: state.modelCalls.length,
    output_text: state.answer ?? null,
    error: state.error ?? null,
    prompt_tokens: state.usage.prompt_tokens,
    completion_tokens: state.usage.completion_tokens,
    selected_tool_refs: state.prepared?.selected_tool_refs ?? [],
    selected_skill_refs: state.prepared?.selected_skill_refs ?? [],
    waiting_for: waitingFor(state),
    position,
  };
};
