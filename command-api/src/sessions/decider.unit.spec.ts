import { ConflictError, NotFoundError, type SessionEvent } from '@agent-platform/contracts';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { sessionDecider } from './decider.js';

const S = '9b2f7a4e-1c1d-4c39-9a59-6a3a0c1d2e3f';
const M = '0c6f3c1e-8f0e-4bb8-9a8b-2f3c4d5e6f70';
const spec = deciderSpecification(sessionDecider);

const opened: SessionEvent = {
  type: 'SessionOpened',
  data: { session_id: S, app_id: 'app-1', user_id: 'user-1', channel_type: 'web', title: null, metadata_json: {} },
};
const message = (seq_no: number): SessionEvent => ({
  type: 'SessionMessageAppended',
  data: { session_id: S, message_id: M, seq_no, role: 'user', content_text: 'hi', metadata_json: {} },
});
const closed: SessionEvent = { type: 'SessionClosed', data: { session_id: S } };
const append = (workspace_id = 'public') =>
  ({ type: 'AppendSessionMessage', data: { session_id: S, message_id: M, workspace_id, role: 'user', content_text: 'hi' } }) as const;

describe('session decider', () => {
  describe('a session that does not exist', () => {
    it('opens with defaults for the optional fields', () =>
      spec
        .given([])
        .when({ type: 'OpenSession', data: { session_id: S, workspace_id: 'public', app_id: 'app-1', user_id: 'user-1', channel_type: 'web' } })
        .then([opened]));

    it('refuses messages as not found', () => spec.given([]).when(append()).thenThrows(NotFoundError, 'SESSION_NOT_FOUND'));

    it('refuses to close as not found', () =>
      spec.given([]).when({ type: 'CloseSession', data: { session_id: S, workspace_id: 'public' } }).thenThrows(NotFoundError));
  });

  describe('an active session', () => {
    it('numbers messages from 1', () => spec.given([opened]).when(append()).then([message(1)]));

    it('numbers the next message after the last', () => spec.given([opened, message(1), message(2)]).when(append()).then([message(3)]));

    it('cannot be opened twice', () =>
      spec
        .given([opened])
        .when({ type: 'OpenSession', data: { session_id: S, workspace_id: 'public', app_id: 'a', user_id: 'u', channel_type: 'web' } })
        .thenThrows(ConflictError, 'SESSION_EXISTS'));

    it('is not found from another workspace', () => spec.given([opened]).when(append('other')).thenThrows(NotFoundError));

    it('closes', () => spec.given([opened]).when({ type: 'CloseSession', data: { session_id: S, workspace_id: 'public' } }).then([closed]));
  });

  describe('a closed session', () => {
    it('refuses new messages with a conflict', () =>
      spec.given([opened, closed]).when(append()).thenThrows(ConflictError, 'SESSION_CLOSED'));

    it('refuses to close again', () =>
      spec
        .given([opened, closed])
        .when({ type: 'CloseSession', data: { session_id: S, workspace_id: 'public' } })
        .thenThrows(ConflictError, 'SESSION_CLOSED'));
  });
});
