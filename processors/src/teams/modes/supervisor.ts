import type { MemberRef } from '@agent-platform/contracts';
import type { ActiveTeamRun } from '@agent-platform/command-api/commands';
import { decisionOf, planBrief, reviewBrief, workBrief } from '../briefs.js';
import { complete, fail, memberOf, start, supervisorOf, type Move, type StepPlan } from '../moves.js';

type Assignment = { member: MemberRef; task?: string };

const workSteps = (run: ActiveTeamRun, assignments: readonly Assignment[], round: number): StepPlan[] =>
  assignments.map(({ member, task }) => ({ member_key: member.member_key, purpose: 'work', round, input_text: workBrief(run, member, task ? { task } : {}) }));

/** The assignments the supervisor wrote, to members other than itself; unknown keys are left out. */
const assigned = (run: ActiveTeamRun, output: string | null, supervisor: MemberRef): Assignment[] =>
  (decisionOf(output)?.assignments ?? []).flatMap(({ member_key, task }) => {
    const member = memberOf(run, member_key);
    return member && member !== supervisor ? [{ member, task }] : [];
  });

/**
 * The supervisor plans (structured JSON: assignments), members work, the supervisor reviews: a final answer,
 * or assignments for another round, up to `max_rounds` reviews. A dry run's plan is every other member once
 * (a dry run's answer is no plan), and its first review is final. A plan without valid assignments also gives
 * every other member the task as it is. The supervisor failing ends the run, whatever the failure policy.
 */
export const supervisorMove = (run: ActiveTeamRun): Move => {
  const supervisor = supervisorOf(run);
  const everyone = run.request.definition.member_refs.filter((m) => m !== supervisor).map((member) => ({ member }));
  const last = run.steps.at(-1);
  if (!last) return start({ member_key: supervisor.member_key, purpose: 'plan', round: 1, input_text: planBrief(run, supervisor, everyone.map((a) => a.member)) });
  if (last.purpose !== 'work' && last.status !== 'completed') return fail('TEAM_SUPERVISOR_FAILED', `the supervisor ${supervisor.member_key} ${last.status} at its ${last.purpose}`);
  const review = (round: number) => start({ member_key: supervisor.member_key, purpose: 'review', round, input_text: reviewBrief(run, supervisor, run.steps.filter((s) => s.purpose === 'work')) });
  switch (last.purpose) {
    case 'plan': {
      const assignments = run.dryRun ? [] : assigned(run, last.output_text, supervisor);
      const work = assignments.length ? assignments : everyone;
      return work.length ? start(...workSteps(run, work, last.round)) : review(last.round);
    }
    case 'work':
      return review(last.round);
    default: {
      const decision = decisionOf(last.output_text);
      const again = run.dryRun || last.round >= run.request.definition.config_json.max_rounds ? [] : assigned(run, last.output_text, supervisor);
      if (again.length) return start(...workSteps(run, again, last.round + 1));
      return complete(decision?.final_answer ?? last.output_text ?? '');
    }
  }
};
