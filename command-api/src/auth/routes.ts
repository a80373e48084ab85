import { z } from 'zod';
import {
  AUTH_ROLES_CATEGORY,
  AUTH_USERS_CATEGORY,
  CommandAccepted,
  CreateAuthAssignmentBody,
  CreateAuthRoleBody,
  CreateAuthUserBody,
  NotFoundError,
  Uuid,
  streamId,
} from '@agent-platform/contracts';
import { route, uuidFrom, type Api } from '@agent-platform/infra';
import { authReader } from '@agent-platform/projectors/readers';
import { loadState } from '../handler.js';
import { accepted } from '../http.js';
import type { CommandModuleDeps } from '../module.js';
import { authDecider, roleNotFound } from './decider.js';

const userStream = (id: string) => streamId(AUTH_USERS_CATEGORY, id);
const roleStream = (id: string) => streamId(AUTH_ROLES_CATEGORY, id);
const tags = ['auth'];

/**
 * Users, roles and assignments. Ids derive from what must be unique (a username whatever its case, a
 * role's code, a user-role-scope triple), so a second create meets the first one's stream: 409 with no
 * race. A user's assignments are events of its own stream.
 */
export const authRoutes = (api: Api, deps: CommandModuleDeps): void => {
  route(api, {
    method: 'post',
    path: '/auth/users',
    summary: 'Create a user (`username` unique in the workspace whatever its case), active',
    tags,
    body: CreateAuthUserBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Created; `id` is the user id.', schema: CommandAccepted } },
    errors: [409, 422],
    handler: async ({ body, headers, ctx, req }) => {
      const id = uuidFrom('auth-user', ctx.workspaceId, body.username.toLowerCase());
      const result = await deps.handle(
        authDecider,
        userStream(id),
        { type: 'CreateAuthUser', data: { ...body, user_id: id, workspace_id: ctx.workspaceId } },
        // Read, not `newStream`: a taken username is the decider's 409 (AUTH_USERNAME_TAKEN), not a version conflict.
        deps.contextOf(ctx, req, headers, body),
      );
      return accepted(201, id, result);
    },
  });

  for (const [action, type] of [
    ['disable', 'DisableAuthUser'],
    ['enable', 'EnableAuthUser'],
  ] as const) {
    route(api, {
      method: 'post',
      path: `/auth/users/:id/${action}`,
      summary: action === 'disable' ? 'Disable a user: every permission check for it is denied until it is enabled' : 'Enable a disabled user again',
      tags,
      params: z.object({ id: Uuid }),
      headers: deps.commandHeaders,
      responses: { 202: { description: action === 'disable' ? 'Disabled.' : 'Enabled.', schema: CommandAccepted } },
      errors: [404, 409, 422],
      handler: async ({ params, headers, ctx, req }) => {
        const result = await deps.handle(
          authDecider,
          userStream(params.id),
          { type, data: { user_id: params.id, workspace_id: ctx.workspaceId } },
          deps.contextOf(ctx, req, headers, { params }),
        );
        return accepted(202, params.id, result);
      },
    });
  }

  route(api, {
    method: 'post',
    path: '/auth/roles',
    summary: 'Create a role (`code` unique in the workspace) granting `permissions_json`: `*`, `agent:*` or concrete permissions such as `agent:write`',
    tags,
    body: CreateAuthRoleBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Created; `id` is the role id.', schema: CommandAccepted } },
    errors: [409, 422],
    handler: async ({ body, headers, ctx, req }) => {
      const id = uuidFrom('auth-role', ctx.workspaceId, body.code);
      const result = await deps.handle(
        authDecider,
        roleStream(id),
        { type: 'CreateAuthRole', data: { ...body, role_id: id, workspace_id: ctx.workspaceId } },
        deps.contextOf(ctx, req, headers, body),
      );
      return accepted(201, id, result);
    },
  });

  route(api, {
    method: 'post',
    path: '/auth/assignments',
    summary: 'Assign a role to a user, in one workspace (`workspace_id`) or, without it, wherever a check asks',
    tags,
    body: CreateAuthAssignmentBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Assigned; `id` is the assignment id.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ body, headers, ctx, req }) => {
      // Roles are never deleted, so a role found here still exists when the user's stream records the grant.
      const role = await loadState(deps.store, authDecider, roleStream(body.role_id));
      if (role.kind !== 'role' || role.workspaceId !== ctx.workspaceId) throw roleNotFound(body.role_id, 'body.role_id');
      const scope = body.workspace_id ?? null;
      // A scope is never empty, so '' stands for none without meeting one.
      const id = uuidFrom('auth-assignment', ctx.workspaceId, body.user_id, body.role_id, scope ?? '');
      const result = await deps.handle(
        authDecider,
        userStream(body.user_id),
        { type: 'CreateAuthAssignment', data: { user_id: body.user_id, workspace_id: ctx.workspaceId, assignment_id: id, role_id: body.role_id, scope_workspace_id: scope } },
        deps.contextOf(ctx, req, headers, body),
      );
      return accepted(201, id, result);
    },
  });

  route(api, {
    method: 'delete',
    path: '/auth/assignments/:id',
    summary: "Remove an assignment: its role no longer counts for the user. It is found once the read model holds it (the creation's position)",
    tags,
    params: z.object({ id: Uuid }),
    headers: deps.commandHeaders,
    responses: { 202: { description: 'Removed.', schema: CommandAccepted } },
    errors: [404, 422],
    handler: async ({ params, headers, ctx, req }) => {
      // The read model says whose it is (that never changes); the user's stream decides whether it still holds.
      const assignment = await authReader.findAssignment(deps.knex, ctx.workspaceId, params.id);
      if (!assignment) throw new NotFoundError('AUTH_ASSIGNMENT_NOT_FOUND', `assignment ${params.id} does not exist in this workspace`);
      const result = await deps.handle(
        authDecider,
        userStream(assignment.user_id),
        { type: 'RemoveAuthAssignment', data: { user_id: assignment.user_id, workspace_id: ctx.workspaceId, assignment_id: params.id } },
        deps.contextOf(ctx, req, headers, { params }),
      );
      return accepted(202, params.id, result);
    },
  });
};
