import { DeadLettered, DeadLetterResolved, DeadLetterRetryRequested } from '@agent-platform/contracts';
import { projectorOf, type Projection } from '../projector.js';

const deadLettered: Projection = (sql, e) => {
  const { dead_letter_id, event_stream_version: _version, error, ...d } = DeadLettered.schema.parse(e.data);
  return [
    sql.raw(
      `INSERT INTO rm_dead_letters (id, workspace_id, consumer_group, event_id, event_type, event_stream_id,
         event_global_position, attempts, error, status, created_time, updated_time)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'dead', ?, ?)
       ON CONFLICT (id) DO UPDATE SET attempts = excluded.attempts, error = excluded.error, status = 'dead',
         updated_time = excluded.updated_time`,
      [dead_letter_id, e.metadata.workspace_id, d.consumer_group, d.event_id, d.event_type, d.event_stream_id,
        d.event_global_position, d.attempts, JSON.stringify(error), e.recorded_at, e.recorded_at],
    ),
  ];
};

const retryRequested: Projection = (sql, e) => {
  const { dead_letter_id } = DeadLetterRetryRequested.schema.parse(e.data);
  return [
    sql('rm_dead_letters')
      .where({ id: dead_letter_id })
      .update({ status: 'retrying', retries: sql.raw('retries + 1'), updated_time: e.recorded_at }),
  ];
};

const resolved: Projection = (sql, e) => {
  const { dead_letter_id } = DeadLetterResolved.schema.parse(e.data);
  return [
    sql('rm_dead_letters').where({ id: dead_letter_id }).update({ status: 'resolved', updated_time: e.recorded_at }),
  ];
};

export const deadLettersProjector = projectorOf('dead-letters', ['rm_dead_letters'], {
  [DeadLettered.type]: deadLettered,
  [DeadLetterRetryRequested.type]: retryRequested,
  [DeadLetterResolved.type]: resolved,
});
