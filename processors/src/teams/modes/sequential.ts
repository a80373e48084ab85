import type { ActiveTeamRun } from '@agent-platform/command-api/commands';
import { workBrief } from '../briefs.js';
import { complete, completed, noAnswer, start, type Move } from '../moves.js';

/** Members in order, each given the output of the last member that answered; the last answer is the team's. */
export const sequentialMove = (run: ActiveTeamRun): Move => {
  const members = run.request.definition.member_refs;
  const previous = completed(run.steps).at(-1);
  const next = members[run.steps.length];
  if (next) return start({ member_key: next.member_key, purpose: 'work', round: 1, input_text: workBrief(run, next, previous ? { previous } : {}) });
  return previous ? complete(previous.output_text ?? '') : noAnswer();
};
