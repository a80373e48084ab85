import { AuthAssignmentView, AuthRoleView, AuthUserDetailView, AuthUserView, type ListAuthAssignmentsQuery, type ListAuthUsersQuery } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import { newestFirstPage, type PageOf, type PageRequest } from '../newestFirstPage.js';
import { iso } from '../rows.js';
import { AUTH_ASSIGNMENTS, AUTH_ROLES, AUTH_USERS } from './schema.js';

/** What other packages may ask of the auth read model; its tables are this package's to change. */

const toUserView = (row: Record<string, unknown>): AuthUserView => AuthUserView.parse({ ...row, created_time: iso(row.created_time), updated_time: iso(row.updated_time) });
const toRoleView = (row: Record<string, unknown>): AuthRoleView => AuthRoleView.parse({ ...row, created_time: iso(row.created_time) });
const toAssignmentView = (row: Record<string, unknown>): AuthAssignmentView => AuthAssignmentView.parse({ ...row, created_time: iso(row.created_time) });

/** A user with its roles, oldest assignment first. */
export const findUser = async (knex: Knex, workspaceId: string, id: string): Promise<AuthUserDetailView | undefined> => {
  const row = await knex(AUTH_USERS).where({ workspace_id: workspaceId, id }).first();
  if (!row) return undefined;
  const roles = (await knex(`${AUTH_ASSIGNMENTS} as a`)
    .join(`${AUTH_ROLES} as r`, function joinRole() {
      this.on('r.id', 'a.role_id').andOn('r.workspace_id', 'a.workspace_id');
    })
    .where({ 'a.workspace_id': workspaceId, 'a.user_id': id })
    .orderBy([{ column: 'a.created_time' }, { column: 'a.id' }])
    .select('a.id as assignment_id', 'a.role_id', 'r.code', 'r.name', 'r.permissions_json', 'a.scope_workspace_id', 'a.created_time as assigned_time')) as Record<string, unknown>[];
  return AuthUserDetailView.parse({ ...toUserView(row), roles: roles.map((r) => ({ ...r, assigned_time: iso(r.assigned_time) })) });
};

export const listUsers = (knex: Knex, workspaceId: string, filter: Pick<ListAuthUsersQuery, 'status'>, page: PageRequest): Promise<PageOf<AuthUserView>> => {
  const q = knex(AUTH_USERS).where({ workspace_id: workspaceId });
  if (filter.status) q.andWhere({ status: filter.status });
  return newestFirstPage(q, page, toUserView);
};

export const findRole = async (knex: Knex, workspaceId: string, id: string): Promise<AuthRoleView | undefined> => {
  const row = await knex(AUTH_ROLES).where({ workspace_id: workspaceId, id }).first();
  return row ? toRoleView(row) : undefined;
};

export const listRoles = (knex: Knex, workspaceId: string, page: PageRequest): Promise<PageOf<AuthRoleView>> =>
  newestFirstPage(knex(AUTH_ROLES).where({ workspace_id: workspaceId }), page, toRoleView);

/** An assignment that holds; a removed one is gone. */
export const findAssignment = async (knex: Knex, workspaceId: string, id: string): Promise<AuthAssignmentView | undefined> => {
  const row = await knex(AUTH_ASSIGNMENTS).where({ workspace_id: workspaceId, id }).first();
  return row ? toAssignmentView(row) : undefined;
};

export const listAssignments = (knex: Knex, workspaceId: string, filter: Pick<ListAuthAssignmentsQuery, 'user_id' | 'role_id'>, page: PageRequest): Promise<PageOf<AuthAssignmentView>> => {
  const q = knex(AUTH_ASSIGNMENTS).where({ workspace_id: workspaceId });
  for (const field of ['user_id', 'role_id'] as const) if (filter[field]) q.andWhere({ [field]: filter[field] });
  return newestFirstPage(q, page, toAssignmentView);
};
