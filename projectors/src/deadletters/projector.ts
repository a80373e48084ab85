import { DeadLettered, DeadLetterResolved, DeadLetterRetryRequested, type RecordedEvent } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import type { Projector } from '../projector.js';

const deadLettered = async (trx: Knex.Transaction, e: RecordedEvent) => {
  const { dead_letter_id, event_stream_version: _version, error, ...d } = DeadLettered.schema.parse(e.data);
  await trx.raw(
    `INSERT INTO rm_dead_letters (id, workspace_id, consumer_group, event_id, event_type, event_stream_id,
       event_global_position, attempts, error, status, created_time, updated_time)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'dead', ?, ?)
     ON CONFLICT (id) DO UPDATE SET attempts = excluded.attempts, error = excluded.error, status = 'dead',
       updated_time = excluded.updated_time`,
    [dead_letter_id, e.metadata.workspace_id, d.consumer_group, d.event_id, d.event_type, d.event_stream_id,
      d.event_global_position, d.attempts, JSON.stringify(error), e.recorded_at, e.recorded_at],
  );
};

const retryRequested = async (trx: Knex.Transaction, e: RecordedEvent) => {
  const { dead_letter_id } = DeadLetterRetryRequested.schema.parse(e.data);
  await trx('rm_dead_letters')
    .where({ id: dead_letter_id })
    .update({ status: 'retrying', retries: trx.raw('retries + 1'), updated_time: e.recorded_at });
};

const resolved = async (trx: Knex.Transaction, e: RecordedEvent) => {
  const { dead_letter_id } = DeadLetterResolved.schema.parse(e.data);
  await trx('rm_dead_letters').where({ id: dead_letter_id }).update({ status: 'resolved', updated_time: e.recorded_at });
};

const handlers: Record<string, (trx: Knex.Transaction, e: RecordedEvent) => Promise<void>> = {
  [DeadLettered.type]: deadLettered,
  [DeadLetterRetryRequested.type]: retryRequested,
  [DeadLetterResolved.type]: resolved,
};

export const deadLettersProjector: Projector = {
  name: 'dead-letters',
  handles: Object.keys(handlers),
  tables: ['rm_dead_letters'],
  apply: (trx, event) => handlers[event.type]!(trx, event),
};
