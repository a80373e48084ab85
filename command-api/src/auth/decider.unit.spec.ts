import { ConflictError, NotFoundError, type AuthEvent } from '@agent-platform/contracts';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { authDecider } from './decider.js';

const U = '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
const R = '2b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e';
const A = '3c4d5e6f-7a8b-4c3d-8e4f-5a6b7c8d9e0f';
const A2 = '4d5e6f7a-8b9c-4d4e-9f5a-6b7c8d9e0f1a';
const spec = deciderSpecification(authDecider);

const userCreated: AuthEvent = { type: 'AuthUserCreated', data: { user_id: U, username: 'alice', display_name: 'Alice', email: null } };
const roleCreated: AuthEvent = { type: 'AuthRoleCreated', data: { role_id: R, code: 'admin', name: 'Admin', permissions_json: ['*'] } };
const disabled: AuthEvent = { type: 'AuthUserDisabled', data: { user_id: U } };
const assigned = (assignment_id = A, scope_workspace_id: string | null = null): AuthEvent => ({
  type: 'AuthAssignmentCreated',
  data: { user_id: U, assignment_id, role_id: R, scope_workspace_id },
});
const ws = (workspace_id = 'public') => ({ user_id: U, workspace_id });

describe('auth decider', () => {
  describe('no stream yet', () => {
    it('creates a user, active', () =>
      spec.given([]).when({ type: 'CreateAuthUser', data: { ...ws(), username: 'alice', display_name: 'Alice', email: null } }).then([userCreated]));
    it('creates a role with its permissions', () =>
      spec.given([]).when({ type: 'CreateAuthRole', data: { role_id: R, workspace_id: 'public', code: 'admin', name: 'Admin', permissions_json: ['*'] } }).then([roleCreated]));
    it('knows no user to disable, enable or assign to', () => {
      spec.given([]).when({ type: 'DisableAuthUser', data: ws() }).thenThrows(NotFoundError, 'AUTH_USER_NOT_FOUND');
      spec.given([]).when({ type: 'EnableAuthUser', data: ws() }).thenThrows(NotFoundError, 'AUTH_USER_NOT_FOUND');
      spec.given([]).when({ type: 'CreateAuthAssignment', data: { ...ws(), assignment_id: A, role_id: R, scope_workspace_id: null } }).thenThrows(NotFoundError, 'AUTH_USER_NOT_FOUND');
    });
  });

  describe('a user', () => {
    it('is created once: the second create of its username meets its stream', () =>
      spec.given([userCreated]).when({ type: 'CreateAuthUser', data: { ...ws(), username: 'Alice', display_name: null, email: null } }).thenThrows(ConflictError, 'AUTH_USERNAME_TAKEN'));
    it('is disabled, and enabled again', () => {
      spec.given([userCreated]).when({ type: 'DisableAuthUser', data: ws() }).then([disabled]);
      spec.given([userCreated, disabled]).when({ type: 'EnableAuthUser', data: ws() }).then([{ type: 'AuthUserEnabled', data: { user_id: U } }]);
    });
    it('refuses a change to the status it has, naming it', () => {
      spec.given([userCreated, disabled]).when({ type: 'DisableAuthUser', data: ws() }).thenThrows(ConflictError, 'AUTH_USER_DISABLED');
      spec.given([userCreated]).when({ type: 'EnableAuthUser', data: ws() }).thenThrows(ConflictError, 'AUTH_USER_ACTIVE');
    });
    it('is not found from another workspace', () => {
      spec.given([userCreated]).when({ type: 'DisableAuthUser', data: ws('other') }).thenThrows(NotFoundError, 'AUTH_USER_NOT_FOUND');
      spec.given([userCreated]).when({ type: 'CreateAuthAssignment', data: { ...ws('other'), assignment_id: A, role_id: R, scope_workspace_id: null } }).thenThrows(NotFoundError, 'AUTH_USER_NOT_FOUND');
      spec.given([userCreated, assigned()]).when({ type: 'RemoveAuthAssignment', data: { ...ws('other'), assignment_id: A } }).thenThrows(NotFoundError, 'AUTH_USER_NOT_FOUND');
    });
    it('is given a role, in every workspace or in one, disabled or not', () => {
      spec.given([userCreated]).when({ type: 'CreateAuthAssignment', data: { ...ws(), assignment_id: A, role_id: R, scope_workspace_id: null } }).then([assigned()]);
      spec.given([userCreated, disabled]).when({ type: 'CreateAuthAssignment', data: { ...ws(), assignment_id: A2, role_id: R, scope_workspace_id: 'ws-2' } }).then([assigned(A2, 'ws-2')]);
    });
    it('refuses the same assignment twice while it holds, and takes it again once removed', () => {
      const again = { type: 'CreateAuthAssignment', data: { ...ws(), assignment_id: A, role_id: R, scope_workspace_id: null } } as const;
      spec.given([userCreated, assigned()]).when(again).thenThrows(ConflictError, 'AUTH_ASSIGNMENT_EXISTS');
      spec.given([userCreated, assigned(), { type: 'AuthAssignmentRemoved', data: { user_id: U, assignment_id: A } }]).when(again).then([assigned()]);
    });
    it('has an assignment removed once', () => {
      const remove = { type: 'RemoveAuthAssignment', data: { ...ws(), assignment_id: A } } as const;
      spec.given([userCreated, assigned()]).when(remove).then([{ type: 'AuthAssignmentRemoved', data: { user_id: U, assignment_id: A } }]);
      spec.given([userCreated, assigned(), { type: 'AuthAssignmentRemoved', data: { user_id: U, assignment_id: A } }]).when(remove).thenThrows(NotFoundError, 'AUTH_ASSIGNMENT_NOT_FOUND');
      spec.given([userCreated]).when(remove).thenThrows(NotFoundError, 'AUTH_ASSIGNMENT_NOT_FOUND');
    });
  });

  describe('a role', () => {
    it('is created once: the second create of its code meets its stream', () =>
      spec.given([roleCreated]).when({ type: 'CreateAuthRole', data: { role_id: R, workspace_id: 'public', code: 'admin', name: 'Other', permissions_json: [] } }).thenThrows(ConflictError, 'AUTH_ROLE_CODE_TAKEN'));
    it('is no user: a user command on its stream is not found', () =>
      spec.given([roleCreated]).when({ type: 'DisableAuthUser', data: ws() }).thenThrows(NotFoundError, 'AUTH_USER_NOT_FOUND'));
  });
});
