import { z } from 'zod';
import { ApprovalSubject, ApprovedInput, HumanTaskType } from './human-tasks.js';

/**
 * What an agent run waits for a person about. `approval`: a call of a tool or skill whose ref has
 * `requires_approval`; `input`: the model's `ask_human` question. The run records the wait (its lease ends)
 * before the task it waits on is created, and goes on once the task's end is recorded on it.
 */
export const RunWaitReason = z.enum(['approval', 'input']);
export type RunWaitReason = z.infer<typeof RunWaitReason>;

/** The task a waiting run asks for, as it is created under the wait's `task_id`. */
export const RunTaskRequest = z.object({
  task_type: HumanTaskType,
  title: z.string(),
  description: z.string().nullable(),
  request_payload_json: z.record(z.string(), z.unknown()),
  /** The call to approve, bound by its hash; null for a question. */
  subject: ApprovalSubject.nullable(),
});
export type RunTaskRequest = z.infer<typeof RunTaskRequest>;

export const RunWait = z.object({
  run_id: z.string().uuid(),
  reason: RunWaitReason,
  /** Derived from the run and the invocation: the same on every attempt, so a resumed run creates no second task. */
  task_id: z.string().uuid(),
  /** The call (or question) that waits. */
  invocation_id: z.string().uuid(),
  /** The model call that asked for it; 0 for the calls a run makes before its model call. */
  step: z.number().int().nonnegative(),
  task: RunTaskRequest,
});
export type RunWait = z.infer<typeof RunWait>;

/** How a task a run waited on ended, as the run records it: the outside fact it goes on with. */
export const HumanDecisionOutcome = z.enum(['approved', 'rejected', 'completed', 'cancelled', 'expired']);
export type HumanDecisionOutcome = z.infer<typeof HumanDecisionOutcome>;
export const HumanDecision = z.object({
  run_id: z.string().uuid(),
  task_id: z.string().uuid(),
  outcome: HumanDecisionOutcome,
  /** Who approved, rejected, answered or cancelled; null for an expiry (or a cancel that names nobody). */
  acted_by: z.string().nullable(),
  comment: z.string().nullable(),
  response_payload_json: z.record(z.string(), z.unknown()),
  /** For an approval of a call: what was approved, with the hash its call must match. */
  approved_input: ApprovedInput.nullable(),
});
export type HumanDecision = z.infer<typeof HumanDecision>;

/** How an agent run names a skill's call among its invocations (`skill:<code>`): the decider finds its ref by it. */
export const skillCallCode = (ref: { skill_code: string | null; skill_id: string | null }): string => `skill:${ref.skill_code ?? ref.skill_id}`;

/**
 * A run stopped by a person, not by its model: `pause` stops it; `takeover` stops it and hands its session to
 * a person, through a `takeover` task. Either goes on at `resume` (or when the takeover task ends), with the
 * messages the person wrote, which join the session and the run's prompt before its next model call.
 */
export const PauseMode = z.enum(['pause', 'takeover']);
export type PauseMode = z.infer<typeof PauseMode>;
/** A message a person adds to the conversation while the run is stopped. */
export const HandBackMessage = z.object({ role: z.enum(['user', 'assistant']), content: z.string().min(1).max(100_000) });
export type HandBackMessage = z.infer<typeof HandBackMessage>;
export const HandBackMessages = z.array(HandBackMessage).max(50);
const Actor = z.string().min(1).max(200);

export const PauseAgentRunBody = z.object({ reason: z.string().max(2000).optional(), paused_by: Actor.optional() });
export const TakeOverAgentRunBody = z.object({ reason: z.string().max(2000).optional(), taken_by: Actor.optional() });
export const ResumeAgentRunBody = z.object({
  /** What the person wrote meanwhile: appended to the session, and put into the run's prompt before its next model call. */
  messages: HandBackMessages.default([]),
  resumed_by: Actor.optional(),
});

export const RunPause = z.object({
  run_id: z.string().uuid(),
  mode: PauseMode,
  by: z.string().nullable(),
  reason: z.string().nullable(),
  /** The takeover task the person works in; null for a pause. */
  task_id: z.string().uuid().nullable(),
  /** The model calls recorded when it stopped: the person's messages come after them in the prompt. */
  after_step: z.number().int().nonnegative(),
});
export type RunPause = z.infer<typeof RunPause>;
export const RunHandBack = z.object({
  run_id: z.string().uuid(),
  mode: PauseMode,
  by: z.string().nullable(),
  task_id: z.string().uuid().nullable(),
  after_step: z.number().int().nonnegative(),
  messages: HandBackMessages,
});
export type RunHandBack = z.infer<typeof RunHandBack>;
