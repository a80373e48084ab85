import {
  AUTH_ROLES_CATEGORY,
  AUTH_USERS_CATEGORY,
  AuthRoleCreated,
  NotFoundError,
  assignmentsIn,
  evolveAuthUser,
  firstGrant,
  streamId,
  type AuthEvent,
  type AuthUser,
  type CheckPermissionBody,
  type PermissionCheckResult,
  type RecordedEvent,
} from '@agent-platform/contracts';
import type { EventStore } from '@agent-platform/infra';

const DENIED: PermissionCheckResult = { allowed: false, matched_role: null, matched_permission: null };

const userOf = (events: readonly RecordedEvent[]): AuthUser | undefined =>
  events.reduce<AuthUser | undefined>((user, e) => evolveAuthUser(user, { type: e.type, data: e.data, metadata: e.metadata } as AuthEvent & { metadata: RecordedEvent['metadata'] }), undefined);

/**
 * Decides a check on the streams, not the read models: the user's stream holds its status and its
 * assignments, so a check sent after a command that disabled the user or removed a role sees it, with no
 * `x-min-position` and no window in which a revoked grant still allows. Roles are never changed after
 * they are created, so each assigned role's first event is its permissions.
 */
export const checkPermission = async (store: EventStore, workspaceId: string, body: CheckPermissionBody): Promise<PermissionCheckResult> => {
  const user = userOf(await store.readStream(streamId(AUTH_USERS_CATEGORY, body.user_id)));
  if (!user || user.workspaceId !== workspaceId) {
    throw new NotFoundError('AUTH_USER_NOT_FOUND', `user ${body.user_id} does not exist in this workspace`, [{ field: 'body.user_id', message: 'no such user in this workspace' }]);
  }
  if (user.status === 'disabled') return DENIED;
  const counted = assignmentsIn(user, body.workspace_id ?? workspaceId);
  const roles = await Promise.all(
    counted.map(async (a) => {
      const [created] = await store.readStream(streamId(AUTH_ROLES_CATEGORY, a.role_id), { toVersion: 1 });
      const role = AuthRoleCreated.schema.parse(created?.data);
      return { code: role.code, permissions: role.permissions_json };
    }),
  );
  const match = firstGrant(roles, body.permission);
  return match ? { allowed: true, matched_role: match.role, matched_permission: match.permission } : DENIED;
};
