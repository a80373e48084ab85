import {
  ConflictError,
  NotFoundError,
  type SessionCommand,
  type SessionEvent,
  type SessionStatus,
} from '@agent-platform/contracts';
import type { Decider } from '../decider.js';

export type SessionState =
  | { status: 'none' }
  | { status: SessionStatus; workspaceId: string; messageCount: number };

const notFound = (id: string) => new NotFoundError('SESSION_NOT_FOUND', `session ${id} does not exist in this workspace`);

/** A session exists only inside its own workspace: to any other it is not found. */
const existing = (state: SessionState, sessionId: string, workspaceId: string) => {
  if (state.status === 'none' || state.workspaceId !== workspaceId) throw notFound(sessionId);
  return state;
};

export const sessionDecider: Decider<SessionState, SessionCommand, SessionEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'SessionOpened':
        return { status: 'active', workspaceId: event.metadata.workspace_id, messageCount: 0 };
      case 'SessionMessageAppended':
        return state.status === 'none' ? state : { ...state, messageCount: event.data.seq_no };
      case 'SessionClosed':
        return state.status === 'none' ? state : { ...state, status: 'closed' };
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'OpenSession': {
        if (state.status !== 'none') throw new ConflictError('SESSION_EXISTS', `session ${command.data.session_id} already exists`);
        const { session_id, app_id, user_id, channel_type, title, metadata_json } = command.data;
        return [
          {
            type: 'SessionOpened',
            data: { session_id, app_id, user_id, channel_type, title: title ?? null, metadata_json: metadata_json ?? {} },
          },
        ];
      }
      case 'AppendSessionMessage': {
        const { session_id, message_id, role, content_text, metadata_json, workspace_id } = command.data;
        const session = existing(state, session_id, workspace_id);
        if (session.status === 'closed') throw new ConflictError('SESSION_CLOSED', `session ${session_id} is closed`);
        return [
          {
            type: 'SessionMessageAppended',
            data: { session_id, message_id, seq_no: session.messageCount + 1, role, content_text, metadata_json: metadata_json ?? {} },
          },
        ];
      }
      case 'CloseSession': {
        const session = existing(state, command.data.session_id, command.data.workspace_id);
        if (session.status === 'closed') {
          throw new ConflictError('SESSION_CLOSED', `session ${command.data.session_id} is already closed`);
        }
        return [{ type: 'SessionClosed', data: { session_id: command.data.session_id } }];
      }
    }
  },
};
