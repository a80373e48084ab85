import type { ActiveTeamRun } from '@agent-platform/command-api/commands';
import { concatenated, mergeBrief, workBrief } from '../briefs.js';
import { complete, completed, noAnswer, start, supervisorOf, type Move } from '../moves.js';

/**
 * Every member at once (a real fan-out: their agent runs go on side by side), then a join once all ended,
 * and a merge: by the supervisor member, which then does not work itself, or by concatenation. The merge
 * strategy is `config_json.merge_strategy`, else `supervisor` when a member has that role.
 */
export const parallelMove = (run: ActiveTeamRun): Move => {
  const { member_refs: members, config_json: config } = run.request.definition;
  const strategy = config.merge_strategy ?? (members.some((m) => m.role === 'supervisor') ? 'supervisor' : 'concatenate');
  const supervisor = supervisorOf(run);
  const merger = strategy === 'supervisor' && members.length > 1 ? supervisor : undefined;
  const workers = members.filter((m) => m !== merger);
  const work = run.steps.filter((s) => s.purpose === 'work');
  if (work.length === 0) return start(...workers.map((m) => ({ member_key: m.member_key, purpose: 'work' as const, round: 1, input_text: workBrief(run, m) })));
  const answered = completed(work);
  if (answered.length === 0) return noAnswer();
  if (!merger) return complete(concatenated(answered));
  const merge = run.steps.find((s) => s.purpose === 'merge');
  if (!merge) return start({ member_key: merger.member_key, purpose: 'merge', round: 1, input_text: mergeBrief(run, merger, answered) });
  // A merge that failed (under `continue`, or the guard would have ended the run) falls back to the answers as they are.
  return complete(merge.status === 'completed' ? (merge.output_text ?? '') : concatenated(answered));
};
