import { authProjection } from './module.js';
import { describeProjection, SPEC_TIME } from '../testing/projectionSpecification.js';

const U = '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
const R = '2b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e';
const A = '3c4d5e6f-7a8b-4c3d-8e4f-5a6b7c8d9e0f';
const ws = { workspace_id: 'ws-1' };
const T1 = '2026-01-01T00:01:00.000Z';
const T2 = '2026-01-01T00:02:00.000Z';
const userCreated = { type: 'AuthUserCreated', data: { user_id: U, username: 'alice', display_name: 'Alice', email: 'alice@example.com' }, metadata: ws };
const roleCreated = { type: 'AuthRoleCreated', data: { role_id: R, code: 'admin', name: 'Admin', permissions_json: ['*', 'agent:write'] }, metadata: ws };
const assigned = { type: 'AuthAssignmentCreated', data: { user_id: U, assignment_id: A, role_id: R, scope_workspace_id: 'ws-2' }, metadata: ws, at: T1 };

describeProjection('auth projection', authProjection, (spec) => {
  it('keeps a created user, active, in its workspace', () =>
    spec({
      when: [userCreated],
      then: {
        table: 'rm_auth_users',
        rows: [{ id: U, workspace_id: 'ws-1', username: 'alice', display_name: 'Alice', email: 'alice@example.com', status: 'active', created_time: new Date(SPEC_TIME), updated_time: new Date(SPEC_TIME) }],
      },
    }));

  it('marks a user disabled, then active again, at the time of each change', () =>
    spec({
      given: [userCreated],
      when: [
        { type: 'AuthUserDisabled', data: { user_id: U }, metadata: ws, at: T1 },
        { type: 'AuthUserEnabled', data: { user_id: U }, metadata: ws, at: T2 },
      ],
      then: { table: 'rm_auth_users', rows: [{ id: U, status: 'active', updated_time: new Date(T2) }] },
    }));

  it('keeps a disabled user disabled', () =>
    spec({
      given: [userCreated],
      when: [{ type: 'AuthUserDisabled', data: { user_id: U }, metadata: ws, at: T1 }],
      then: { table: 'rm_auth_users', rows: [{ id: U, status: 'disabled', updated_time: new Date(T1) }] },
    }));

  it('keeps a role with its permissions in their order', () =>
    spec({
      when: [roleCreated],
      then: { table: 'rm_auth_roles', rows: [{ id: R, workspace_id: 'ws-1', code: 'admin', name: 'Admin', permissions_json: ['*', 'agent:write'], created_time: new Date(SPEC_TIME) }] },
    }));

  it('keeps an assignment with its scope while it holds', () =>
    spec({
      given: [userCreated, roleCreated],
      when: [assigned],
      then: { table: 'rm_auth_assignments', rows: [{ id: A, workspace_id: 'ws-1', user_id: U, role_id: R, scope_workspace_id: 'ws-2', created_time: new Date(T1) }] },
    }));

  it('drops a removed assignment, and keeps it again when it is made again', () =>
    spec({
      given: [userCreated, roleCreated, assigned],
      when: [
        { type: 'AuthAssignmentRemoved', data: { user_id: U, assignment_id: A }, metadata: ws },
        { ...assigned, at: T2 },
      ],
      then: { table: 'rm_auth_assignments', rows: [{ id: A, created_time: new Date(T2) }] },
    }));

  it('drops a removed assignment', () =>
    spec({
      given: [userCreated, roleCreated, assigned],
      when: [{ type: 'AuthAssignmentRemoved', data: { user_id: U, assignment_id: A }, metadata: ws }],
      then: { table: 'rm_auth_assignments', rows: [] },
    }));
});
