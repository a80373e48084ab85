import { expect } from 'chai';
import { AUTH_ROLES_CATEGORY, AUTH_USERS_CATEGORY, NotFoundError, streamId, type AuthEvent } from '@agent-platform/contracts';
import { createInMemoryEventStore } from '@agent-platform/infra/testing';
import { checkPermission } from './check.js';

const U = '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
const VIEWER = '2b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e';
const ADMIN = '3c4d5e6f-7a8b-4c3d-8e4f-5a6b7c8d9e0f';
const meta = { workspace_id: 'ws-1' };

/** A store holding a viewer role (agent:read) and an admin role (*), and the user's stream as given. */
const storeWith = async (userEvents: AuthEvent[]) => {
  const store = createInMemoryEventStore();
  const role = (role_id: string, code: string, permissions_json: string[]) =>
    store.append(streamId(AUTH_ROLES_CATEGORY, role_id), [{ type: 'AuthRoleCreated', data: { role_id, code, name: code, permissions_json }, metadata: meta }], { expectedVersion: 'no_stream' });
  await role(VIEWER, 'viewer', ['agent:read', 'session:*']);
  await role(ADMIN, 'admin', ['*']);
  await store.append(streamId(AUTH_USERS_CATEGORY, U), [{ type: 'AuthUserCreated', data: { user_id: U, username: 'alice', display_name: null, email: null } }, ...userEvents].map((e) => ({ ...e, metadata: meta })), {
    expectedVersion: 'no_stream',
  });
  return store;
};
const assigned = (assignment_id: string, role_id: string, scope_workspace_id: string | null = null): AuthEvent => ({
  type: 'AuthAssignmentCreated',
  data: { user_id: U, assignment_id, role_id, scope_workspace_id },
});
const A1 = '4d5e6f7a-8b9c-4d4e-9f5a-6b7c8d9e0f1a';
const A2 = '5e6f7a8b-9c0d-4e5f-8a6b-7c8d9e0f1a2b';
const ask = (permission: string, workspace_id?: string) => ({ user_id: U, permission, ...(workspace_id ? { workspace_id } : {}) });
const DENIED = { allowed: false, matched_role: null, matched_permission: null };

describe('the permission check, on the streams', () => {
  it('allows through the first role assigned that covers the permission, naming it and its grant', async () => {
    const store = await storeWith([assigned(A1, VIEWER), assigned(A2, ADMIN)]);
    expect(await checkPermission(store, 'ws-1', ask('agent:read'))).to.deep.equal({ allowed: true, matched_role: 'viewer', matched_permission: 'agent:read' });
    expect(await checkPermission(store, 'ws-1', ask('session:write'))).to.deep.equal({ allowed: true, matched_role: 'viewer', matched_permission: 'session:*' });
    expect(await checkPermission(store, 'ws-1', ask('agent:write'))).to.deep.equal({ allowed: true, matched_role: 'admin', matched_permission: '*' });
  });

  it('denies a user with no role covering it, and one with no role at all', async () => {
    expect(await checkPermission(await storeWith([assigned(A1, VIEWER)]), 'ws-1', ask('agent:write'))).to.deep.equal(DENIED);
    expect(await checkPermission(await storeWith([]), 'ws-1', ask('agent:read'))).to.deep.equal(DENIED);
  });

  it('denies a disabled user whatever its roles, and counts them again once it is enabled', async () => {
    const disabled: AuthEvent = { type: 'AuthUserDisabled', data: { user_id: U } };
    expect(await checkPermission(await storeWith([assigned(A1, ADMIN), disabled]), 'ws-1', ask('agent:read'))).to.deep.equal(DENIED);
    const enabled = await storeWith([assigned(A1, ADMIN), disabled, { type: 'AuthUserEnabled', data: { user_id: U } }]);
    expect((await checkPermission(enabled, 'ws-1', ask('agent:read'))).allowed).to.equal(true);
  });

  it('counts an assignment scoped to a workspace only where the check asks for that workspace', async () => {
    const store = await storeWith([assigned(A1, ADMIN, 'ws-2')]);
    expect(await checkPermission(store, 'ws-1', ask('agent:read'))).to.deep.equal(DENIED);
    expect(await checkPermission(store, 'ws-1', ask('agent:read', 'ws-3'))).to.deep.equal(DENIED);
    expect((await checkPermission(store, 'ws-1', ask('agent:read', 'ws-2'))).matched_role).to.equal('admin');
  });

  it('no longer counts a removed assignment', async () => {
    const store = await storeWith([assigned(A1, ADMIN), { type: 'AuthAssignmentRemoved', data: { user_id: U, assignment_id: A1 } }]);
    expect(await checkPermission(store, 'ws-1', ask('agent:read'))).to.deep.equal(DENIED);
  });

  it("does not find another workspace's user, nor an unknown one", async () => {
    const store = await storeWith([assigned(A1, ADMIN)]);
    for (const [workspace, user] of [
      ['ws-2', U],
      ['ws-1', VIEWER],
    ]) {
      let caught: unknown;
      await checkPermission(store, workspace!, { user_id: user!, permission: 'agent:read' }).catch((error: unknown) => (caught = error));
      expect(caught).to.be.instanceOf(NotFoundError);
      expect((caught as NotFoundError).code).to.equal('AUTH_USER_NOT_FOUND');
    }
  });
});
