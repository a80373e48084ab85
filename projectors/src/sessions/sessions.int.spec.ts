import { sessionsProjection } from './module.js';
import { describeProjection, SPEC_TIME } from '../testing/projectionSpecification.js';

const S = '11111111-1111-4111-8111-111111111111';
const opened = {
  type: 'SessionOpened',
  data: { session_id: S, app_id: 'app-1', user_id: 'user-1', channel_type: 'web', title: 'Orders', metadata_json: { locale: 'en' } },
  metadata: { workspace_id: 'ws-1' },
};
const message = (seq_no: number, at: string) => ({
  type: 'SessionMessageAppended',
  data: { session_id: S, message_id: `00000000-0000-4000-8000-00000000000${seq_no}`, seq_no, role: 'user', content_text: `m${seq_no}`, metadata_json: {} },
  metadata: { workspace_id: 'ws-1' },
  at,
});
const T1 = '2026-01-01T00:01:00.000Z';
const T2 = '2026-01-01T00:02:00.000Z';

describeProjection('sessions projection', sessionsProjection, (spec) => {
  it('lists an opened session as active in its workspace, with no messages yet', () =>
    spec({
      when: [opened],
      then: {
        table: 'rm_sessions',
        rows: [
          {
            id: S,
            workspace_id: 'ws-1',
            app_id: 'app-1',
            user_id: 'user-1',
            channel_type: 'web',
            title: 'Orders',
            status: 'active',
            metadata_json: { locale: 'en' },
            message_count: 0,
            last_message_time: null,
            created_time: new Date(SPEC_TIME),
            closed_time: null,
          },
        ],
      },
    }));

  it('keeps each message in order and counts them on the session, with the time of the last', () =>
    spec({
      given: [opened],
      when: [message(1, T1), message(2, T2)],
      then: [
        { table: 'rm_sessions', rows: [{ id: S, message_count: 2, last_message_time: new Date(T2), updated_time: new Date(T2) }] },
        {
          table: 'rm_session_messages',
          orderBy: ['seq_no'],
          rows: [
            { session_id: S, workspace_id: 'ws-1', seq_no: 1, role: 'user', content_text: 'm1', created_time: new Date(T1) },
            { session_id: S, workspace_id: 'ws-1', seq_no: 2, role: 'user', content_text: 'm2', created_time: new Date(T2) },
          ],
        },
      ],
    }));

  it('marks a closed session closed at the time it closed, and keeps its messages', () =>
    spec({
      given: [opened, message(1, T1)],
      when: [{ type: 'SessionClosed', data: { session_id: S }, at: T2 }],
      then: [
        { table: 'rm_sessions', rows: [{ id: S, status: 'closed', closed_time: new Date(T2), updated_time: new Date(T2), message_count: 1 }] },
        { table: 'rm_session_messages', rows: [{ session_id: S, seq_no: 1 }] },
      ],
    }));
});
