import {
  HumanTaskApproved,
  HumanTaskCancelled,
  HumanTaskClaimed,
  HumanTaskCompleted,
  HumanTaskCreated,
  HumanTaskExpired,
  HumanTaskRejected,
  HumanTaskReleased,
  type HumanTaskHistoryEntry,
  type HumanTaskStatus,
  type RecordedEvent,
} from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import { projectorOf, type Projection, type ProjectionStatement } from '../projector.js';
import { HISTORY, TASKS } from './schema.js';

type Step = { action: HumanTaskHistoryEntry['action']; status: HumanTaskStatus; actor: string | null; comment: string | null };

/** Every event of a task is a line of its history, at its place in the stream (a replayed page writes it once). */
const historyOf = (sql: Knex, e: RecordedEvent, taskId: string, step: Step): ProjectionStatement =>
  sql(HISTORY)
    .insert({ task_id: taskId, position: e.stream_version, workspace_id: e.metadata.workspace_id, ...step, recorded_time: e.recorded_at })
    .onConflict(['task_id', 'position'])
    .ignore();

/** A change of the task's row, and its line of history. */
const changed = (sql: Knex, e: RecordedEvent, taskId: string, step: Step, row: Record<string, unknown>): ProjectionStatement[] => [
  sql(TASKS).where({ id: taskId }).update({ status: step.status, ...row, updated_time: e.recorded_at }),
  historyOf(sql, e, taskId, step),
];
const json = (value: unknown) => (value === null ? null : JSON.stringify(value));

const created: Projection = (sql, e) => {
  const d = HumanTaskCreated.schema.parse(e.data);
  const { task_id, request_payload_json, subject, ...fields } = d;
  return [
    sql(TASKS)
      .insert({
        id: task_id,
        workspace_id: e.metadata.workspace_id,
        ...fields,
        status: 'pending',
        request_payload_json: JSON.stringify(request_payload_json),
        subject: json(subject),
        created_time: e.recorded_at,
        updated_time: e.recorded_at,
      })
      .onConflict('id')
      .ignore(),
    historyOf(sql, e, task_id, { action: 'created', status: 'pending', actor: e.metadata.user_id ?? null, comment: null }),
  ];
};

const claimed: Projection = (sql, e) => {
  const d = HumanTaskClaimed.schema.parse(e.data);
  return changed(sql, e, d.task_id, { action: 'claimed', status: 'claimed', actor: d.claimed_by, comment: null }, { claimed_by: d.claimed_by, claimed_time: e.recorded_at });
};
const released: Projection = (sql, e) => {
  const d = HumanTaskReleased.schema.parse(e.data);
  return changed(sql, e, d.task_id, { action: 'released', status: 'pending', actor: d.released_by, comment: null }, { claimed_by: null, claimed_time: null });
};

/** An answer: who gave it, what it said, and for an approval of a call what was approved. */
const answer = (status: 'approved' | 'rejected' | 'completed', by: string, d: { task_id: string; response_payload_json: unknown; comment: string | null }, approvedInput: unknown = null) =>
  (sql: Knex, e: RecordedEvent) =>
    changed(sql, e, d.task_id, { action: status, status, actor: by, comment: d.comment }, {
      response_payload_json: JSON.stringify(d.response_payload_json),
      comment: d.comment,
      resolved_by: by,
      resolved_time: e.recorded_at,
      approved_input: json(approvedInput),
    });
const approved: Projection = (sql, e) => {
  const d = HumanTaskApproved.schema.parse(e.data);
  return answer('approved', d.approved_by, d, d.approved_input)(sql, e);
};
const rejected: Projection = (sql, e) => {
  const d = HumanTaskRejected.schema.parse(e.data);
  return answer('rejected', d.rejected_by, d)(sql, e);
};
const completed: Projection = (sql, e) => {
  const d = HumanTaskCompleted.schema.parse(e.data);
  return answer('completed', d.completed_by, d)(sql, e);
};

const cancelled: Projection = (sql, e) => {
  const d = HumanTaskCancelled.schema.parse(e.data);
  const step = { action: 'cancelled', status: 'cancelled', actor: d.cancelled_by, comment: d.reason } as const;
  return changed(sql, e, d.task_id, step, { comment: d.reason, resolved_by: d.cancelled_by, resolved_time: e.recorded_at });
};
const expired: Projection = (sql, e) => {
  const d = HumanTaskExpired.schema.parse(e.data);
  return changed(sql, e, d.task_id, { action: 'expired', status: 'expired', actor: null, comment: null }, { resolved_time: e.recorded_at });
};

export const humanTasksProjector = projectorOf('human-tasks', [HISTORY, TASKS], {
  [HumanTaskCreated.type]: created,
  [HumanTaskClaimed.type]: claimed,
  [HumanTaskReleased.type]: released,
  [HumanTaskApproved.type]: approved,
  [HumanTaskRejected.type]: rejected,
  [HumanTaskCompleted.type]: completed,
  [HumanTaskCancelled.type]: cancelled,
  [HumanTaskExpired.type]: expired,
});
