import type { MemberRef, RunError, StepPurpose } from '@agent-platform/contracts';
import { openSteps, type ActiveTeamRun, type TeamStep } from '@agent-platform/command-api/commands';

/** A member step to decide: who, why, in which round, and what its agent run is asked. */
export type StepPlan = { member_key: string; purpose: StepPurpose; round: number; input_text: string };
/** What the orchestrator does next, decided from the journal alone (so a resumed run decides the same). */
export type Move = { type: 'start'; steps: StepPlan[] } | { type: 'wait' } | { type: 'complete'; answer: string } | { type: 'fail'; error: RunError };

export const start = (...steps: StepPlan[]): Move => ({ type: 'start', steps });
export const complete = (answer: string): Move => ({ type: 'complete', answer });
export const fail = (code: string, message: string): Move => ({ type: 'fail', error: { code, message } });
export const noAnswer = (): Move => fail('TEAM_NO_ANSWER', 'no member of the team answered');

/** The member that plans, reviews and merges: the first with the role `supervisor`, else the first member. */
export const supervisorOf = (run: ActiveTeamRun): MemberRef => {
  const members = run.request.definition.member_refs;
  return members.find((m) => m.role === 'supervisor') ?? members[0]!;
};
export const memberOf = (run: ActiveTeamRun, key: string): MemberRef | undefined => run.request.definition.member_refs.find((m) => m.member_key === key);
export const completed = (steps: readonly TeamStep[]) => steps.filter((s) => s.status === 'completed');
const WORKING: ReadonlySet<StepPurpose> = new Set(['work', 'turn']);

/**
 * What every mode does first: wait while a member run is open, and end the run when a member's work failed
 * under `fail_fast`. Under `continue` a failed member's work is left out. A supervisor's own step (plan,
 * review, merge) is each mode's to judge.
 */
export const guard = (run: ActiveTeamRun): Move | undefined => {
  if (openSteps(run).length) return { type: 'wait' };
  if (run.request.definition.config_json.failure_policy === 'continue') return undefined;
  const failed = run.steps.find((s) => WORKING.has(s.purpose) && s.status !== 'completed');
  return failed && fail('TEAM_MEMBER_FAILED', `member ${failed.member_key} (step ${failed.step_no}) ${failed.status}${failed.error ? `: ${failed.error.message}` : ''}`);
};
