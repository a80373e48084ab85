import { z } from 'zod';
import { defineCommand } from './commands.js';
import { defineDomain } from './domain.js';
import { defineEvent, type EventOf } from './events.js';
import { Permission, PermissionGrants } from './permissions.js';
import { Uuid } from './sessions.js';

/**
 * RBAC: users, roles and the assignments of roles to users, all belonging to the workspace that made them.
 * A user's assignments are events of the user's own stream, so a user's grants (and whether it is
 * disabled) are decided, and checked, on one stream.
 */
export const AUTH_USERS_CATEGORY = 'authuser';
export const AUTH_ROLES_CATEGORY = 'authrole';

export const AuthUserStatus = z.enum(['active', 'disabled']);
export type AuthUserStatus = z.infer<typeof AuthUserStatus>;

const Code = z.string().min(1).max(100).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits and _ . - only');
/** Unique in the workspace whatever its case: `Alice` and `alice` are one user. */
const Username = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}$/, '1-100 letters, digits and _ . @ + -, beginning with a letter or digit');
/** Spelled as the `x-workspace-id` header is: visible ASCII. */
export const WorkspaceScope = z.string().regex(/^[\x21-\x7e]{1,200}$/, '1-200 visible ASCII characters');

// Commands, as the HTTP body carries them (the seed's field names).
export const CreateAuthUserBody = z.object({
  username: Username,
  display_name: z.string().min(1).max(200).nullable().default(null),
  email: z.string().max(320).email().nullable().default(null),
});
export type CreateAuthUserBody = z.infer<typeof CreateAuthUserBody>;

export const CreateAuthRoleBody = z.object({ code: Code, name: z.string().min(1).max(200), permissions_json: PermissionGrants });
export type CreateAuthRoleBody = z.infer<typeof CreateAuthRoleBody>;

/** `workspace_id`: the one workspace where the grant holds; without it, the grant holds wherever a check asks. */
export const CreateAuthAssignmentBody = z.object({ user_id: Uuid, role_id: Uuid, workspace_id: WorkspaceScope.optional() });
export type CreateAuthAssignmentBody = z.infer<typeof CreateAuthAssignmentBody>;

/** `workspace_id`: where the permission is wanted; the request's workspace when absent. */
export const CheckPermissionBody = z.object({ user_id: Uuid, permission: Permission, workspace_id: WorkspaceScope.optional() });
export type CheckPermissionBody = z.infer<typeof CheckPermissionBody>;

const ListPage = { limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().optional() };
export const ListAuthUsersQuery = z.object({ status: AuthUserStatus.optional(), ...ListPage });
export type ListAuthUsersQuery = z.infer<typeof ListAuthUsersQuery>;
export const ListAuthRolesQuery = z.object(ListPage);
export const ListAuthAssignmentsQuery = z.object({ user_id: Uuid.optional(), role_id: Uuid.optional(), ...ListPage });
export type ListAuthAssignmentsQuery = z.infer<typeof ListAuthAssignmentsQuery>;

const UserId = { user_id: z.string().uuid(), workspace_id: z.string() };
export const CreateAuthUser = z.object({
  ...UserId,
  username: z.string(),
  display_name: z.string().nullable(),
  email: z.string().nullable(),
});
export const DisableAuthUser = z.object(UserId);
export const EnableAuthUser = z.object(UserId);
export const CreateAuthRole = z.object({ role_id: z.string().uuid(), workspace_id: z.string(), code: z.string(), name: z.string(), permissions_json: z.array(z.string()) });
/** `scope_workspace_id`: the one workspace the grant holds in, or null for all. */
export const CreateAuthAssignment = z.object({ ...UserId, assignment_id: z.string().uuid(), role_id: z.string().uuid(), scope_workspace_id: z.string().nullable() });
export const RemoveAuthAssignment = z.object({ ...UserId, assignment_id: z.string().uuid() });
export const AuthCommand = z.discriminatedUnion('type', [
  defineCommand('CreateAuthUser', CreateAuthUser),
  defineCommand('DisableAuthUser', DisableAuthUser),
  defineCommand('EnableAuthUser', EnableAuthUser),
  defineCommand('CreateAuthRole', CreateAuthRole),
  defineCommand('CreateAuthAssignment', CreateAuthAssignment),
  defineCommand('RemoveAuthAssignment', RemoveAuthAssignment),
]);
export type AuthCommand = z.infer<typeof AuthCommand>;

// Events.
const without = { workspace_id: true } as const;
export const AuthUserCreated = defineEvent('AuthUserCreated', CreateAuthUser.omit(without), {
  category: AUTH_USERS_CATEGORY,
  description: "A user was created, active; its id derives from the workspace and the username's lower case, so the username is unique there.",
});
export const AuthUserDisabled = defineEvent('AuthUserDisabled', DisableAuthUser.omit(without), {
  category: AUTH_USERS_CATEGORY,
  description: 'A user was disabled: every permission check for it is denied until it is enabled, whatever its roles.',
});
export const AuthUserEnabled = defineEvent('AuthUserEnabled', EnableAuthUser.omit(without), {
  category: AUTH_USERS_CATEGORY,
  description: 'A disabled user was enabled again: its assignments count again.',
});
export const AuthRoleCreated = defineEvent('AuthRoleCreated', CreateAuthRole.omit(without), {
  category: AUTH_ROLES_CATEGORY,
  description: 'A role was created with its permissions (concrete, or ending in a wildcard: *, agent:*); its id derives from the workspace and the code.',
});
export const AuthAssignmentCreated = defineEvent('AuthAssignmentCreated', CreateAuthAssignment.omit(without), {
  category: AUTH_USERS_CATEGORY,
  description: "A role was assigned to a user, on the user's stream: in one workspace (scope_workspace_id) or, when null, wherever a check asks.",
});
export const AuthAssignmentRemoved = defineEvent('AuthAssignmentRemoved', RemoveAuthAssignment.omit(without), {
  category: AUTH_USERS_CATEGORY,
  description: "An assignment was removed from the user's stream: its role no longer counts for the user.",
});
export const authEvents = [AuthUserCreated, AuthUserDisabled, AuthUserEnabled, AuthRoleCreated, AuthAssignmentCreated, AuthAssignmentRemoved] as const;
export type AuthEvent =
  | EventOf<typeof AuthUserCreated>
  | EventOf<typeof AuthUserDisabled>
  | EventOf<typeof AuthUserEnabled>
  | EventOf<typeof AuthRoleCreated>
  | EventOf<typeof AuthAssignmentCreated>
  | EventOf<typeof AuthAssignmentRemoved>;

// Read models, as the query side returns them.
export const AuthUserView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  username: z.string(),
  display_name: z.string().nullable(),
  email: z.string().nullable(),
  status: AuthUserStatus,
  created_time: z.string(),
  updated_time: z.string(),
});
export type AuthUserView = z.infer<typeof AuthUserView>;

export const AuthRoleView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  code: z.string(),
  name: z.string(),
  permissions_json: z.array(z.string()),
  created_time: z.string(),
});
export type AuthRoleView = z.infer<typeof AuthRoleView>;

export const AuthAssignmentView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  user_id: z.string().uuid(),
  role_id: z.string().uuid(),
  scope_workspace_id: z.string().nullable(),
  created_time: z.string(),
});
export type AuthAssignmentView = z.infer<typeof AuthAssignmentView>;

/** A user with the roles assigned to it, oldest assignment first: the order in which a check tries them. */
export const AuthUserDetailView = AuthUserView.extend({
  roles: z.array(
    z.object({ assignment_id: z.string().uuid(), role_id: z.string().uuid(), code: z.string(), name: z.string(), permissions_json: z.array(z.string()), scope_workspace_id: z.string().nullable(), assigned_time: z.string() }),
  ),
});
export type AuthUserDetailView = z.infer<typeof AuthUserDetailView>;

/** The seed's answer: `matched_role` is the role's code and `matched_permission` the grant that covered the permission; both null when denied. */
export const PermissionCheckResult = z.object({ allowed: z.boolean(), matched_role: z.string().nullable(), matched_permission: z.string().nullable() });
export type PermissionCheckResult = z.infer<typeof PermissionCheckResult>;

export const authDomain = defineDomain({ name: 'auth', events: authEvents, projections: ['auth'] });
