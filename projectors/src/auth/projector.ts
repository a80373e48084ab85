import { AuthAssignmentCreated, AuthAssignmentRemoved, AuthRoleCreated, AuthUserCreated, AuthUserDisabled, AuthUserEnabled } from '@agent-platform/contracts';
import { projectorOf, type Projection } from '../projector.js';
import { AUTH_ASSIGNMENTS, AUTH_ROLES, AUTH_USERS } from './schema.js';

const userCreated: Projection = (sql, e) => {
  const d = AuthUserCreated.schema.parse(e.data);
  return [
    sql(AUTH_USERS).insert({
      id: d.user_id,
      workspace_id: e.metadata.workspace_id,
      username: d.username,
      display_name: d.display_name,
      email: d.email,
      status: 'active',
      created_time: e.recorded_at,
      updated_time: e.recorded_at,
    }),
  ];
};

const statusTo =
  (status: 'active' | 'disabled', contract: typeof AuthUserDisabled | typeof AuthUserEnabled): Projection =>
  (sql, e) => {
    const d = contract.schema.parse(e.data);
    return [sql(AUTH_USERS).where({ id: d.user_id }).update({ status, updated_time: e.recorded_at })];
  };

const roleCreated: Projection = (sql, e) => {
  const d = AuthRoleCreated.schema.parse(e.data);
  return [
    sql(AUTH_ROLES).insert({
      id: d.role_id,
      workspace_id: e.metadata.workspace_id,
      code: d.code,
      name: d.name,
      permissions_json: JSON.stringify(d.permissions_json),
      created_time: e.recorded_at,
    }),
  ];
};

const assignmentCreated: Projection = (sql, e) => {
  const d = AuthAssignmentCreated.schema.parse(e.data);
  return [
    sql(AUTH_ASSIGNMENTS).insert({
      id: d.assignment_id,
      workspace_id: e.metadata.workspace_id,
      user_id: d.user_id,
      role_id: d.role_id,
      scope_workspace_id: d.scope_workspace_id,
      created_time: e.recorded_at,
    }),
  ];
};

const assignmentRemoved: Projection = (sql, e) => {
  const d = AuthAssignmentRemoved.schema.parse(e.data);
  return [sql(AUTH_ASSIGNMENTS).where({ id: d.assignment_id }).delete()];
};

export const authProjector = projectorOf('auth', [AUTH_ASSIGNMENTS, AUTH_ROLES, AUTH_USERS], {
  [AuthUserCreated.type]: userCreated,
  [AuthUserDisabled.type]: statusTo('disabled', AuthUserDisabled),
  [AuthUserEnabled.type]: statusTo('active', AuthUserEnabled),
  [AuthRoleCreated.type]: roleCreated,
  [AuthAssignmentCreated.type]: assignmentCreated,
  [AuthAssignmentRemoved.type]: assignmentRemoved,
});
