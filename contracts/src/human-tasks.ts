import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import { defineCommand } from './commands.js';
import { defineDomain } from './domain.js';
import { defineEvent, type EventOf } from './events.js';

/**
 * Human tasks: a person is asked to approve, answer, take over, pause, resume or review. A task moves
 * pending → claimed → approved | rejected | completed, or is cancelled, or expires once `due_at` passes;
 * only its claimer completes a claimed task. A task a run created for a call it wants to make holds that
 * call as its `subject`, bound by a hash of the canonical input and the version it calls; the approval
 * records the hash of what was approved, and the run makes no other call.
 */
export const HUMAN_TASKS_CATEGORY = 'humantask';

const JsonObject = z.record(z.string(), z.unknown());
const Actor = z.string().min(1).max(200);
export const HumanTaskType = z.enum(['approval', 'input', 'takeover', 'pause', 'resume', 'review']);
export type HumanTaskType = z.infer<typeof HumanTaskType>;
export const HumanTaskStatus = z.enum(['pending', 'claimed', 'approved', 'rejected', 'completed', 'cancelled', 'expired']);
export type HumanTaskStatus = z.infer<typeof HumanTaskStatus>;
export const HUMAN_TASK_ENDED_STATUSES: readonly HumanTaskStatus[] = ['approved', 'rejected', 'completed', 'cancelled', 'expired'];

/**
 * The hash an approval binds: SHA-256 of the RFC 8785 canonical JSON of the input and the version called,
 * so key order and number spelling do not change it, and a new version of the tool needs a new approval.
 */
export const approvalHash = (versionId: string | null, input: Record<string, unknown>): string =>
  `sha256:${createHash('sha256').update(canonicalize({ input, version_id: versionId }) ?? '').digest('hex')}`;

/** The call a run asks a person to approve: set by the platform only, never by an HTTP body. */
export const ApprovalSubject = z.object({
  kind: z.enum(['tool', 'skill']),
  /** The tool's or skill's code, as the run names it. */
  code: z.string(),
  ref_id: z.string().uuid().nullable(),
  /** The tool or skill version the call is made to; part of the hash. */
  version_id: z.string().uuid().nullable(),
  input_json: JsonObject,
  input_hash: z.string(),
});
export type ApprovalSubject = z.infer<typeof ApprovalSubject>;
/** What an approval approved: the proposed input, or the approver's edit of it, with its own hash. */
export const ApprovedInput = z.object({ input_json: JsonObject, input_hash: z.string(), edited: z.boolean() });
export type ApprovedInput = z.infer<typeof ApprovedInput>;

// Commands, as the HTTP bodies carry them (the seed's field names).
export const CreateHumanTaskBody = z.object({
  task_type: HumanTaskType,
  title: z.string().min(1).max(500),
  description: z.string().max(10_000).optional(),
  /** Free references (the seed's examples use ids of other systems): the platform links a run only to the tasks it created itself. */
  run_id: z.string().min(1).max(200).optional(),
  node_run_id: z.string().min(1).max(200).optional(),
  assigned_to: Actor.optional(),
  request_payload_json: JsonObject.default({}),
  due_at: z.string().datetime({ offset: true }).optional(),
});
export type CreateHumanTaskBody = z.infer<typeof CreateHumanTaskBody>;
export const ClaimHumanTaskBody = z.object({ claimed_by: Actor });
export const ReleaseHumanTaskBody = z.object({ released_by: Actor.optional() });
/**
 * `approved` and `rejected` answer an approval or a review; `completed` answers the other types. The acting
 * user is `completed_by`, or else the claimer. For an approval with a subject, `response_payload_json.input_json`
 * (an object) is the approver's edit of the proposed input: the edit is what is approved.
 */
export const CompleteHumanTaskBody = z.object({
  status: z.enum(['approved', 'rejected', 'completed']),
  response_payload_json: JsonObject.default({}),
  comment: z.string().max(10_000).optional(),
  completed_by: Actor.optional(),
});
export type CompleteHumanTaskBody = z.infer<typeof CompleteHumanTaskBody>;
export const CancelHumanTaskBody = z.object({ reason: z.string().max(10_000).optional(), cancelled_by: Actor.optional() });

const Ref = { task_id: z.string(), workspace_id: z.string() };
const Resolution = { ...Ref, response_payload_json: JsonObject, comment: z.string().nullable(), acted_by: Actor.nullable() };
export const HumanTaskCommand = z.discriminatedUnion('type', [
  defineCommand('CreateHumanTask', CreateHumanTaskBody.extend({ ...Ref, subject: ApprovalSubject.nullable() })),
  defineCommand('ClaimHumanTask', z.object({ ...Ref, claimed_by: Actor })),
  defineCommand('ReleaseHumanTask', z.object({ ...Ref, released_by: Actor.nullable() })),
  defineCommand('ApproveHumanTask', z.object(Resolution)),
  defineCommand('RejectHumanTask', z.object(Resolution)),
  defineCommand('ProvideHumanInput', z.object(Resolution)),
  defineCommand('CancelHumanTask', z.object({ ...Ref, reason: z.string().nullable(), cancelled_by: Actor.nullable() })),
  /** The sweeper's, once `due_at` passed; refused before it. */
  defineCommand('ExpireHumanTask', z.object({ ...Ref, now: z.string() })),
]);
export type HumanTaskCommand = z.infer<typeof HumanTaskCommand>;

const meta = (description: string) => ({ category: HUMAN_TASKS_CATEGORY, description });
export const HumanTaskCreated = defineEvent(
  'HumanTaskCreated',
  z.object({
    task_id: z.string().uuid(),
    task_type: HumanTaskType,
    title: z.string(),
    description: z.string().nullable(),
    run_id: z.string().nullable(),
    node_run_id: z.string().nullable(),
    assigned_to: z.string().nullable(),
    request_payload_json: JsonObject,
    due_at: z.string().nullable(),
    /** The call a run waits to make, when a run created the task; null otherwise. */
    subject: ApprovalSubject.nullable(),
  }),
  meta('A person was asked to act: approve, answer, take over, pause, resume or review. A task a run created names the call it waits to make (`subject`).'),
);
export const HumanTaskClaimed = defineEvent('HumanTaskClaimed', z.object({ task_id: z.string().uuid(), claimed_by: z.string() }), meta('A person took the task; only they may complete it.'));
export const HumanTaskReleased = defineEvent('HumanTaskReleased', z.object({ task_id: z.string().uuid(), released_by: z.string().nullable() }), meta('The claimer gave the task back; it is pending again.'));
export const HumanTaskApproved = defineEvent(
  'HumanTaskApproved',
  z.object({
    task_id: z.string().uuid(),
    approved_by: z.string(),
    response_payload_json: JsonObject,
    comment: z.string().nullable(),
    /** What was approved, with its hash; null for a task without a subject. */
    approved_input: ApprovedInput.nullable(),
  }),
  meta('The task was approved by `approved_by`; for a call, `approved_input` is the input approved (edited or not) and the hash the call must match.'),
);
export const HumanTaskRejected = defineEvent(
  'HumanTaskRejected',
  z.object({ task_id: z.string().uuid(), rejected_by: z.string(), response_payload_json: JsonObject, comment: z.string().nullable() }),
  meta('The task was rejected; a run waiting on it goes on without the call, and its model is told why.'),
);
export const HumanTaskCompleted = defineEvent(
  'HumanTaskCompleted',
  z.object({ task_id: z.string().uuid(), completed_by: z.string(), response_payload_json: JsonObject, comment: z.string().nullable() }),
  meta('The person answered (input, takeover, pause, resume or review done); a run waiting on it goes on with the answer.'),
);
export const HumanTaskCancelled = defineEvent(
  'HumanTaskCancelled',
  z.object({ task_id: z.string().uuid(), reason: z.string().nullable(), cancelled_by: z.string().nullable() }),
  meta('The task was withdrawn before anyone completed it.'),
);
export const HumanTaskExpired = defineEvent('HumanTaskExpired', z.object({ task_id: z.string().uuid(), due_at: z.string() }), meta('Nobody completed the task by its `due_at`.'));
export const humanTaskEvents = [
  HumanTaskCreated,
  HumanTaskClaimed,
  HumanTaskReleased,
  HumanTaskApproved,
  HumanTaskRejected,
  HumanTaskCompleted,
  HumanTaskCancelled,
  HumanTaskExpired,
] as const;
export type HumanTaskEvent = EventOf<(typeof humanTaskEvents)[number]>;
/** The events after which a task takes no more action. */
export const HUMAN_TASK_ENDINGS: ReadonlySet<string> = new Set([
  HumanTaskApproved.type,
  HumanTaskRejected.type,
  HumanTaskCompleted.type,
  HumanTaskCancelled.type,
  HumanTaskExpired.type,
]);

export const humanTasksDomain = defineDomain({ name: 'human-tasks', events: humanTaskEvents, projections: ['human-tasks'] });
