import { z } from 'zod';
import { ApprovedInput, HumanTaskCreated, HumanTaskStatus } from './human-tasks.js';

// The read side of human tasks, with the seed's field names.
const JsonObject = z.record(z.string(), z.unknown());

/** The task as created (its event's fields, `task_id` as `id`), and where it stands now. */
export const HumanTaskView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  ...HumanTaskCreated.schema.omit({ task_id: true }).shape,
  status: HumanTaskStatus,
  claimed_by: z.string().nullable(),
  /** The person's answer; null until the task is approved, rejected or completed. */
  response_payload_json: JsonObject.nullable(),
  /** The answer's comment, or the reason a task was cancelled. */
  comment: z.string().nullable(),
  /** Who approved, rejected, completed or cancelled it. */
  resolved_by: z.string().nullable(),
  /** What an approval approved of the subject, with its hash. */
  approved_input: ApprovedInput.nullable(),
  created_time: z.string(),
  claimed_time: z.string().nullable(),
  resolved_time: z.string().nullable(),
  updated_time: z.string(),
});
export type HumanTaskView = z.infer<typeof HumanTaskView>;

export const HumanTaskAction = z.enum(['created', 'claimed', 'released', 'approved', 'rejected', 'completed', 'cancelled', 'expired']);
/** One event of a task, in the order of its stream. */
export const HumanTaskHistoryEntry = z.object({
  position: z.number().int().positive(),
  action: HumanTaskAction,
  /** The status the task was left in. */
  status: HumanTaskStatus,
  /** Who acted: the claimer, the approver, the canceller; null for the platform (an expiry) or when no one was named. */
  actor: z.string().nullable(),
  comment: z.string().nullable(),
  recorded_time: z.string(),
});
export type HumanTaskHistoryEntry = z.infer<typeof HumanTaskHistoryEntry>;
export const HumanTaskDetail = HumanTaskView.extend({ history: z.array(HumanTaskHistoryEntry) });
export type HumanTaskDetail = z.infer<typeof HumanTaskDetail>;

export const ListHumanTasksQuery = z.object({
  status: HumanTaskStatus.optional(),
  assigned_to: z.string().min(1).max(200).optional(),
  run_id: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
export type ListHumanTasksQuery = z.infer<typeof ListHumanTasksQuery>;
