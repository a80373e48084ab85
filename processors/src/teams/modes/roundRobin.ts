import type { ActiveTeamRun } from '@agent-platform/command-api/commands';
import { finishedAnswer, turnBrief } from '../briefs.js';
import { complete, completed, noAnswer, start, type Move } from '../moves.js';

/**
 * Members take turns, in order, on a shared transcript, until one answers with the finish marker (its text
 * after the marker is the team's answer) or `max_rounds` rounds ran out (the last answer is). A dry run,
 * whose members never finish, takes one round.
 */
export const roundRobinMove = (run: ActiveTeamRun): Move => {
  const { member_refs: members, config_json: config } = run.request.definition;
  const last = completed(run.steps).at(-1);
  const finished = finishedAnswer(last?.output_text ?? null);
  if (finished !== undefined && last === run.steps.at(-1)) return complete(finished);
  const rounds = run.dryRun ? 1 : config.max_rounds;
  const turn = run.steps.length;
  if (turn < rounds * members.length) {
    const member = members[turn % members.length]!;
    return start({ member_key: member.member_key, purpose: 'turn', round: Math.floor(turn / members.length) + 1, input_text: turnBrief(run, member, run.steps) });
  }
  return last ? complete(last.output_text ?? '') : noAnswer();
};
