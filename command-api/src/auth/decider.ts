import { ConflictError, evolveAuthUser, NotFoundError, type AuthCommand, type AuthEvent, type AuthUser } from '@agent-platform/contracts';
import type { Decider } from '../decider.js';

/**
 * A user's stream (the user, its status and its assignments) or a role's. Either exists only in its own
 * workspace: to any other it is not found.
 */
export type AuthState = { kind: 'none' } | ({ kind: 'user' } & AuthUser) | { kind: 'role'; workspaceId: string; code: string };

export const userNotFound = (id: string, field?: string) =>
  new NotFoundError('AUTH_USER_NOT_FOUND', `user ${id} does not exist in this workspace`, field ? [{ field, message: 'no such user in this workspace' }] : []);
export const roleNotFound = (id: string, field?: string) =>
  new NotFoundError('AUTH_ROLE_NOT_FOUND', `role ${id} does not exist in this workspace`, field ? [{ field, message: 'no such role in this workspace' }] : []);

/** `field`: where the request named the user, when it was its body. */
const userIn = (state: AuthState, userId: string, workspaceId: string, field?: string) => {
  if (state.kind !== 'user' || state.workspaceId !== workspaceId) throw userNotFound(userId, field);
  return state;
};

const withoutWorkspace = <T extends { workspace_id: string }>({ workspace_id: _workspace, ...data }: T) => data;

export const authDecider: Decider<AuthState, AuthCommand, AuthEvent> = {
  initialState: () => ({ kind: 'none' }),

  evolve: (state, event) => {
    if (event.type === 'AuthRoleCreated') return { kind: 'role', workspaceId: event.metadata.workspace_id, code: event.data.code };
    const user = evolveAuthUser(state.kind === 'user' ? state : undefined, event);
    return user ? { kind: 'user', ...user } : state;
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'CreateAuthUser':
        if (state.kind !== 'none') throw new ConflictError('AUTH_USERNAME_TAKEN', `a user named ${command.data.username} exists in this workspace`);
        return [{ type: 'AuthUserCreated', data: withoutWorkspace(command.data) }];
      case 'CreateAuthRole':
        if (state.kind !== 'none') throw new ConflictError('AUTH_ROLE_CODE_TAKEN', `a role with code ${command.data.code} exists in this workspace`);
        return [{ type: 'AuthRoleCreated', data: withoutWorkspace(command.data) }];
      case 'DisableAuthUser':
      case 'EnableAuthUser': {
        const user = userIn(state, command.data.user_id, command.data.workspace_id);
        const wanted = command.type === 'DisableAuthUser' ? 'disabled' : 'active';
        if (user.status === wanted) throw new ConflictError(wanted === 'disabled' ? 'AUTH_USER_DISABLED' : 'AUTH_USER_ACTIVE', `user ${command.data.user_id} is ${user.status} already`);
        return [{ type: command.type === 'DisableAuthUser' ? 'AuthUserDisabled' : 'AuthUserEnabled', data: withoutWorkspace(command.data) }];
      }
      case 'CreateAuthAssignment': {
        const user = userIn(state, command.data.user_id, command.data.workspace_id, 'body.user_id');
        // The id derives from user, role and scope: the same grant twice is the same assignment.
        if (user.assignments.some((a) => a.assignment_id === command.data.assignment_id)) {
          throw new ConflictError('AUTH_ASSIGNMENT_EXISTS', `user ${command.data.user_id} holds role ${command.data.role_id} in this scope already`);
        }
        return [{ type: 'AuthAssignmentCreated', data: withoutWorkspace(command.data) }];
      }
      case 'RemoveAuthAssignment': {
        const user = userIn(state, command.data.user_id, command.data.workspace_id);
        if (!user.assignments.some((a) => a.assignment_id === command.data.assignment_id)) {
          throw new NotFoundError('AUTH_ASSIGNMENT_NOT_FOUND', `assignment ${command.data.assignment_id} does not exist in this workspace`);
        }
        return [{ type: 'AuthAssignmentRemoved', data: withoutWorkspace(command.data) }];
      }
    }
  },
};
