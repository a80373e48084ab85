import { ConflictError, type RecordedEvent, type TeamRunOutcome } from '@agent-platform/contracts';
import type { TeamRunState } from './runDecider.js';

export type TeamExecuteOptions = {
  workerKey: string;
  /** Every member run a dry run; the run's own `dry_run` when left out. Ignored once the run has started. */
  dryRun?: boolean;
  leaseMs?: number;
  /** The run's stream as the caller has it (the queued event it just appended): not read again. */
  known?: RecordedEvent[];
};

/**
 * Runs team runs: the port the command side declares and the processors' run kernel implements, as
 * `RunExecutor` for agent runs. `execute` waits (bounded) for the team run to end or wait for a person,
 * across the waits for its members.
 */
export type TeamRunExecutor = {
  start: (runId: string, options: TeamExecuteOptions) => Promise<{ done: Promise<TeamRunOutcome> }>;
  execute: (
    runId: string,
    workspaceId: string,
    options: TeamExecuteOptions & { waitMs: number; claim?: boolean },
  ) => Promise<{ settled: boolean; outcome: TeamRunOutcome }>;
};

/** What `start` throws when the team run is not the caller's to drive: another worker holds it, it ended, or it waits. */
export const isTeamRunTakenElsewhere = (error: unknown): error is ConflictError =>
  error instanceof ConflictError && ['TEAM_RUN_LEASED', 'TEAM_RUN_ENDED', 'TEAM_RUN_WAITING'].includes(error.code);

/** Where a team run stands, from its own stream. */
export const teamRunOutcomeOf = (runId: string, state: TeamRunState, position: number): TeamRunOutcome => {
  if (state.status === 'none') throw new Error(`team run ${runId} does not exist`);
  const { team_id, team_version_id, session_id, input_text, auto_execute, definition } = state.request;
  return {
    id: runId,
    team_id,
    team_version_id,
    session_id,
    input_text,
    coordination_mode: definition.coordination_mode,
    status: state.status,
    auto_execute,
    dry_run: state.dryRun,
    worker_key: state.lease?.workerKey ?? null,
    attempts: state.attempts,
    output_text: state.answer ?? null,
    error: state.error ?? null,
    member_runs: state.steps.map(({ step_no, member_key, agent_run_id, purpose, round, status, output_text }) => ({
      step_no,
      member_key,
      agent_run_id,
      purpose,
      round,
      status,
      output_text,
    })),
    position,
  };
};
