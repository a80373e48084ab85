import { SessionClosed, SessionMessageAppended, SessionOpened } from '@agent-platform/contracts';
import { projectorOf, type Projection } from '../projector.js';

const opened: Projection = (sql, e) => {
  const d = SessionOpened.schema.parse(e.data);
  return [
    sql('rm_sessions').insert({
      id: d.session_id,
      workspace_id: e.metadata.workspace_id,
      app_id: d.app_id,
      user_id: d.user_id,
      channel_type: d.channel_type,
      title: d.title,
      status: 'active',
      metadata_json: JSON.stringify(d.metadata_json),
      created_time: e.recorded_at,
      updated_time: e.recorded_at,
    }),
  ];
};

const messageAppended: Projection = (sql, e) => {
  const d = SessionMessageAppended.schema.parse(e.data);
  return [
    sql('rm_session_messages').insert({
      id: d.message_id,
      workspace_id: e.metadata.workspace_id,
      session_id: d.session_id,
      seq_no: d.seq_no,
      role: d.role,
      content_text: d.content_text,
      metadata_json: JSON.stringify(d.metadata_json),
      created_time: e.recorded_at,
    }),
    sql('rm_sessions')
      .where({ id: d.session_id })
      .update({ message_count: d.seq_no, last_message_time: e.recorded_at, updated_time: e.recorded_at }),
  ];
};

const closed: Projection = (sql, e) => {
  const d = SessionClosed.schema.parse(e.data);
  return [
    sql('rm_sessions')
      .where({ id: d.session_id })
      .update({ status: 'closed', closed_time: e.recorded_at, updated_time: e.recorded_at }),
  ];
};

export const sessionsProjector = projectorOf('sessions', ['rm_session_messages', 'rm_sessions'], {
  [SessionOpened.type]: opened,
  [SessionMessageAppended.type]: messageAppended,
  [SessionClosed.type]: closed,
});
