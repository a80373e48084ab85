import type { EventMetadata } from './events.js';
import type { AuthEvent, AuthUserStatus } from './auth.js';

/** An assignment a user holds: its role, and the one workspace it holds in (null: wherever a check asks). */
export type HeldAssignment = { assignment_id: string; role_id: string; scope_workspace_id: string | null };

/**
 * A user as its stream folds: its workspace, status and assignments in the order they were made. The
 * decider and the permission check fold the same stream with this, so both read a user alike.
 */
export type AuthUser = { userId: string; workspaceId: string; username: string; status: AuthUserStatus; assignments: HeldAssignment[] };

/** The user after one more of its stream's events; undefined until it is created. */
export const evolveAuthUser = (user: AuthUser | undefined, event: AuthEvent & { metadata: EventMetadata }): AuthUser | undefined => {
  switch (event.type) {
    case 'AuthUserCreated':
      return { userId: event.data.user_id, workspaceId: event.metadata.workspace_id, username: event.data.username, status: 'active', assignments: [] };
    case 'AuthUserDisabled':
      return user && { ...user, status: 'disabled' };
    case 'AuthUserEnabled':
      return user && { ...user, status: 'active' };
    case 'AuthAssignmentCreated': {
      const { assignment_id, role_id, scope_workspace_id } = event.data;
      return user && { ...user, assignments: [...user.assignments, { assignment_id, role_id, scope_workspace_id }] };
    }
    case 'AuthAssignmentRemoved':
      return user && { ...user, assignments: user.assignments.filter((a) => a.assignment_id !== event.data.assignment_id) };
    case 'AuthRoleCreated':
      return user;
  }
};

/** The assignments that count for a check in `workspaceId`: those of that workspace and those of none. */
export const assignmentsIn = (user: AuthUser, workspaceId: string): HeldAssignment[] =>
  user.assignments.filter((a) => a.scope_workspace_id === null || a.scope_workspace_id === workspaceId);
