import type { SkillRunOutcome } from '@agent-platform/contracts';
import type { SkillRunState } from './runDecider.js';

/**
 * Runs skill runs: the port the command side declares, the processors' run kernel implements. `execute` is
 * `POST /skills/runs/:id/execute`: the caller's worker takes the run if nobody holds it, else the caller waits
 * for the holder, at most `waitMs` either way (`settled: false` when it still goes on). Another workspace's
 * run is 404.
 */
export type SkillRunExecutor = {
  execute: (
    runId: string,
    workspaceId: string,
    options: { workerKey: string; leaseMs?: number; waitMs: number },
  ) => Promise<{ settled: boolean; outcome: SkillRunOutcome }>;
};

/** Where a run stands, from its own stream. */
export const skillRunOutcomeOf = (runId: string, state: SkillRunState, position: number): SkillRunOutcome => {
  if (state.status === 'none') throw new Error(`skill run ${runId} does not exist`);
  const { skill_id, skill_version_id, runtime_type, input_json } = state.request;
  return {
    id: runId,
    skill_id,
    skill_version_id,
    runtime_type,
    status: state.status,
    input_json,
    output_json: state.output?.json ?? null,
    output_text: state.output?.text ?? null,
    error: state.error ?? null,
    worker_key: state.lease?.workerKey ?? null,
    attempts: state.attempts,
    calls: state.calls,
    agent_run_id: state.agentRunId ?? null,
    position,
  };
};
