import { z } from 'zod';
import {
  AuthAssignmentView,
  AuthRoleView,
  AuthUserDetailView,
  AuthUserView,
  CheckPermissionBody,
  ListAuthAssignmentsQuery,
  ListAuthRolesQuery,
  ListAuthUsersQuery,
  NotFoundError,
  Page,
  PermissionCheckResult,
  Uuid,
} from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import { authReader } from '@agent-platform/projectors/readers';
import { pageAnswer, pageAsked } from '../cursor.js';
import { ReadYourWritesQuery, type QueryDeps } from '../deps.js';
import { checkPermission } from './check.js';

const PROJECTIONS = ['auth'] as const;
const tags = ['auth'];

export const authQueryRoutes = (api: Api, deps: QueryDeps): void => {
  route(api, {
    method: 'get',
    path: '/auth/users',
    summary: "List the workspace's users, newest first, optionally by status",
    tags,
    query: ListAuthUsersQuery.extend(ReadYourWritesQuery.shape),
    headers: deps.queryHeaders,
    responses: { 200: { description: 'A page of users; pass `next_cursor` as `cursor` for the next.', schema: Page(AuthUserView) } },
    errors: [503],
    handler: async ({ query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      return { status: 200, body: pageAnswer(await authReader.listUsers(deps.knex, ctx.workspaceId, query, pageAsked(query))) };
    },
  });

  route(api, {
    method: 'get',
    path: '/auth/users/:id',
    summary: 'Get a user with its roles, oldest assignment first',
    tags,
    params: z.object({ id: Uuid }),
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The user and its roles.', schema: AuthUserDetailView } },
    errors: [404, 503],
    handler: async ({ params, query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      const user = await authReader.findUser(deps.knex, ctx.workspaceId, params.id);
      if (!user) throw new NotFoundError('AUTH_USER_NOT_FOUND', `user ${params.id} does not exist in this workspace`);
      return { status: 200, body: user };
    },
  });

  route(api, {
    method: 'get',
    path: '/auth/roles',
    summary: "List the workspace's roles, newest first",
    tags,
    query: ListAuthRolesQuery.extend(ReadYourWritesQuery.shape),
    headers: deps.queryHeaders,
    responses: { 200: { description: 'A page of roles; pass `next_cursor` as `cursor` for the next.', schema: Page(AuthRoleView) } },
    errors: [503],
    handler: async ({ query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      return { status: 200, body: pageAnswer(await authReader.listRoles(deps.knex, ctx.workspaceId, pageAsked(query))) };
    },
  });

  route(api, {
    method: 'get',
    path: '/auth/roles/:id',
    summary: 'Get a role and its permissions',
    tags,
    params: z.object({ id: Uuid }),
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The role.', schema: AuthRoleView } },
    errors: [404, 503],
    handler: async ({ params, query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      const role = await authReader.findRole(deps.knex, ctx.workspaceId, params.id);
      if (!role) throw new NotFoundError('AUTH_ROLE_NOT_FOUND', `role ${params.id} does not exist in this workspace`);
      return { status: 200, body: role };
    },
  });

  route(api, {
    method: 'get',
    path: '/auth/assignments',
    summary: 'List the assignments that hold, newest first, optionally of one user or one role',
    tags,
    query: ListAuthAssignmentsQuery.extend(ReadYourWritesQuery.shape),
    headers: deps.queryHeaders,
    responses: { 200: { description: 'A page of assignments; pass `next_cursor` as `cursor` for the next.', schema: Page(AuthAssignmentView) } },
    errors: [503],
    handler: async ({ query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      return { status: 200, body: pageAnswer(await authReader.listAssignments(deps.knex, ctx.workspaceId, query, pageAsked(query))) };
    },
  });

  route(api, {
    method: 'post',
    path: '/auth/permissions/check',
    summary:
      "Whether a user holds a permission in a workspace (the request's unless `workspace_id` names one): the first of its roles, oldest assignment first, with a grant covering it. Decided on the streams, so it needs no `x-min-position`",
    tags,
    body: CheckPermissionBody,
    responses: { 200: { description: 'The decision; a disabled user is never allowed.', schema: PermissionCheckResult } },
    errors: [404],
    handler: async ({ body, ctx }) => ({ status: 200, body: await checkPermission(deps.store, ctx.workspaceId, body) }),
  });
};
