import { deadLettersProjection } from './module.js';
import { describeProjection, SPEC_TIME } from '../testing/projectionSpecification.js';

const D = '44444444-4444-4444-8444-444444444444';
const FAILED_EVENT = '55555555-5555-4555-8555-555555555555';
const T1 = '2026-01-01T00:01:00.000Z';
const T2 = '2026-01-01T00:02:00.000Z';
const workspace = { workspace_id: 'ws-1' };

const deadLettered = (attempts: number, message: string, at = SPEC_TIME) => ({
  type: 'DeadLettered',
  data: {
    dead_letter_id: D,
    consumer_group: 'webhooks',
    event_id: FAILED_EVENT,
    event_type: 'SessionOpened',
    event_stream_id: 'session-1',
    event_stream_version: 1,
    event_global_position: 42,
    attempts,
    error: { name: 'Error', message },
  },
  metadata: workspace,
  at,
});
const retryRequested = (at = T1) => ({ type: 'DeadLetterRetryRequested', data: { dead_letter_id: D }, metadata: workspace, at });

describeProjection('dead letters projection', deadLettersProjection, (spec) => {
  it('lists a dead-lettered event as dead, with its consumer group, the event and the error', () =>
    spec({
      when: [deadLettered(5, 'timeout')],
      then: {
        table: 'rm_dead_letters',
        rows: [
          {
            id: D,
            workspace_id: 'ws-1',
            consumer_group: 'webhooks',
            event_id: FAILED_EVENT,
            event_type: 'SessionOpened',
            event_stream_id: 'session-1',
            event_global_position: 42,
            attempts: 5,
            error: { name: 'Error', message: 'timeout' },
            status: 'dead',
            retries: 0,
            created_time: new Date(SPEC_TIME),
            updated_time: new Date(SPEC_TIME),
          },
        ],
      },
    }));

  it('marks a dead letter retrying and counts the retry', () =>
    spec({
      given: [deadLettered(5, 'timeout')],
      when: [retryRequested(T1)],
      then: { table: 'rm_dead_letters', rows: [{ id: D, status: 'retrying', retries: 1, updated_time: new Date(T1) }] },
    }));

  it('marks it dead again, with the newest attempts and error, when the retry fails too; the retry stays counted', () =>
    spec({
      given: [deadLettered(5, 'timeout'), retryRequested(T1)],
      when: [deadLettered(6, 'refused', T2)],
      then: {
        table: 'rm_dead_letters',
        rows: [{ id: D, status: 'dead', attempts: 6, error: { name: 'Error', message: 'refused' }, retries: 1, created_time: new Date(SPEC_TIME), updated_time: new Date(T2) }],
      },
    }));

  it('marks a dead letter resolved once its retry was handled', () =>
    spec({
      given: [deadLettered(5, 'timeout'), retryRequested(T1)],
      when: [{ type: 'DeadLetterResolved', data: { dead_letter_id: D }, metadata: workspace, at: T2 }],
      then: { table: 'rm_dead_letters', rows: [{ id: D, status: 'resolved', retries: 1, updated_time: new Date(T2) }] },
    }));
});
