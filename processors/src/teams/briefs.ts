import { z } from 'zod';
import type { MemberRef } from '@agent-platform/contracts';
import type { ActiveTeamRun, TeamStep } from '@agent-platform/command-api/commands';

/**
 * What each member run is asked (its `input_text`): the team's task, the member's part in it, and what the
 * members before it answered. Member runs keep their agent's own system prompt; this is their user turn.
 */

/** A round-robin member ends the conversation by answering with this marker; the text after it is the team's answer. */
export const FINISH_MARKER = 'FINAL ANSWER:';
const FINISH = /FINAL ANSWER:/i;

const header = (run: ActiveTeamRun, member: MemberRef) => {
  const { objective } = run.request.definition;
  return [
    ...(objective ? [`Team objective: ${objective}`] : []),
    `You are ${member.member_key} (${member.role})${member.responsibility ? `: ${member.responsibility}` : ''}.`,
  ].join('\n');
};
const outputsOf = (steps: readonly TeamStep[]) =>
  steps.filter((s) => s.status === 'completed').map((s) => `[${s.member_key}]\n${s.output_text ?? ''}`);

export const workBrief = (run: ActiveTeamRun, member: MemberRef, options: { task?: string; previous?: TeamStep } = {}): string =>
  [
    header(run, member),
    `Task: ${run.request.input_text}`,
    ...(options.task ? [`Your assignment: ${options.task}`] : []),
    ...(options.previous ? [`The previous member (${options.previous.member_key}) answered:\n${options.previous.output_text ?? ''}`] : []),
  ].join('\n\n');

export const planBrief = (run: ActiveTeamRun, supervisor: MemberRef, workers: readonly MemberRef[]): string =>
  [
    header(run, supervisor),
    `Task: ${run.request.input_text}`,
    `Members:\n${workers.map((m) => `- ${m.member_key} (${m.role}): ${m.responsibility}`).join('\n')}`,
    'Assign the work. Answer with JSON only: {"assignments":[{"member_key":"...","task":"..."}]}',
  ].join('\n\n');

export const reviewBrief = (run: ActiveTeamRun, supervisor: MemberRef, work: readonly TeamStep[]): string =>
  [
    header(run, supervisor),
    `Task: ${run.request.input_text}`,
    `The members answered:\n\n${outputsOf(work).join('\n\n') || '(no answer)'}`,
    'Review their work. Answer with JSON only: {"final_answer":"..."}, or {"assignments":[{"member_key":"...","task":"..."}]} for another round.',
  ].join('\n\n');

export const mergeBrief = (run: ActiveTeamRun, merger: MemberRef, work: readonly TeamStep[]): string =>
  [header(run, merger), `Task: ${run.request.input_text}`, `The members answered:\n\n${outputsOf(work).join('\n\n')}`, 'Merge their answers into one final answer.'].join(
    '\n\n',
  );

export const turnBrief = (run: ActiveTeamRun, member: MemberRef, turns: readonly TeamStep[]): string =>
  [
    header(run, member),
    `Task: ${run.request.input_text}`,
    `Conversation so far:\n${outputsOf(turns).join('\n\n') || '(you speak first)'}`,
    `Take your turn. When the task is done, begin your answer with "${FINISH_MARKER}".`,
  ].join('\n\n');

/** The members' outputs one after the other, each under its member's key. */
export const concatenated = (work: readonly TeamStep[]): string => outputsOf(work).join('\n\n');

/** The text after the finish marker, if the output has it. */
export const finishedAnswer = (output: string | null): string | undefined => {
  const match = output ? FINISH.exec(output) : null;
  return match ? output!.slice(match.index + match[0].length).trim() : undefined;
};

const SupervisorDecision = z.object({
  assignments: z.array(z.object({ member_key: z.string(), task: z.string().max(20_000) })).optional(),
  final_answer: z.string().optional(),
});
export type SupervisorDecision = z.infer<typeof SupervisorDecision>;

/** The supervisor's structured answer: the JSON object in its output (bare or fenced), or undefined when it has none. */
export const decisionOf = (output: string | null): SupervisorDecision | undefined => {
  if (!output) return undefined;
  const start = output.indexOf('{');
  const end = output.lastIndexOf('}');
  if (start === -1 || end < start) return undefined;
  try {
    const parsed = SupervisorDecision.safeParse(JSON.parse(output.slice(start, end + 1)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};
