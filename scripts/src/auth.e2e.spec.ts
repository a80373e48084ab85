import { expect } from 'chai';
import { describeOnPlatform, expectProblem, fieldsOf, freshWorkspace, minPosition, UUID, wholeLog, workspaceClient } from './testing/server.js';

/** The seed's bodies, unchanged but for the ids. */
const seedUser = { username: 'alice', display_name: 'Alice' };
const seedRole = { code: 'admin', name: 'Admin', permissions_json: ['*'] };

describeOnPlatform('auth: users, roles, assignments and permission checks', (server) => {
  const { call, ok, headers } = workspaceClient(server);
  type Sent = { id: string; position: number };
  const check = async (body: Record<string, unknown>, prefix = '') => {
    const answer = await call('POST', `${prefix}/auth/permissions/check`, body);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body as { allowed: boolean; matched_role: string | null; matched_permission: string | null };
  };
  const logLength = async () => (await wholeLog((path) => call('GET', path))).length;
  /** A user holding a role of `permissions`, each made fresh in the test's workspace. */
  const userWith = async (permissions: string[], assignment: Record<string, unknown> = {}) => {
    const user = (await ok('POST', '/auth/users', { username: `u_${Math.random().toString(36).slice(2, 10)}` })) as Sent;
    const code = `r_${Math.random().toString(36).slice(2, 10)}`;
    const role = (await ok('POST', '/auth/roles', { code, name: 'A role', permissions_json: permissions })) as Sent;
    const assigned = (await ok('POST', '/auth/assignments', { user_id: user.id, role_id: role.id, ...assignment })) as Sent;
    return { user, role: { ...role, code }, assigned };
  };

  for (const prefix of ['', '/gateway']) {
    it(`runs the seed's four examples${prefix ? ' under /gateway' : ''}: alice, as admin, may agent:write through *`, async () => {
      const user = await call('POST', `${prefix}/auth/users`, seedUser);
      expect(user.status, JSON.stringify(user.body)).to.equal(201);
      expect(user.body.id).to.match(UUID);
      const role = await call('POST', `${prefix}/auth/roles`, seedRole);
      expect(role.status, JSON.stringify(role.body)).to.equal(201);
      const assignment = await call('POST', `${prefix}/auth/assignments`, { user_id: user.body.id, role_id: role.body.id });
      expect(assignment.status, JSON.stringify(assignment.body)).to.equal(201);
      // At once, with no x-min-position: the check decides on the user's stream.
      expect(await check({ user_id: user.body.id, permission: 'agent:write' }, prefix)).to.deep.equal({ allowed: true, matched_role: 'admin', matched_permission: '*' });

      const fresh = minPosition(assignment.body.position);
      const read = await call('GET', `${prefix}/auth/users/${user.body.id}`, undefined, fresh);
      expect(read.body).to.deep.include({ id: user.body.id, workspace_id: headers()['x-workspace-id'], username: 'alice', display_name: 'Alice', email: null, status: 'active' });
      expect(read.body.roles).to.deep.equal([
        { assignment_id: assignment.body.id, role_id: role.body.id, code: 'admin', name: 'Admin', permissions_json: ['*'], scope_workspace_id: null, assigned_time: read.body.roles[0].assigned_time },
      ]);
      expect((await call('GET', `${prefix}/auth/roles/${role.body.id}`)).body).to.deep.include({ code: 'admin', name: 'Admin', permissions_json: ['*'] });
      expect((await call('GET', `${prefix}/auth/users`)).body.items.map((u: { id: string }) => u.id)).to.deep.equal([user.body.id]);
      expect((await call('GET', `${prefix}/auth/roles`)).body.items.map((r: { id: string }) => r.id)).to.deep.equal([role.body.id]);
      for (const filter of [`user_id=${user.body.id}`, `role_id=${role.body.id}`, '']) {
        const listed = await call('GET', `${prefix}/auth/assignments?${filter}`);
        expect(listed.body.items, filter).to.deep.equal([
          { id: assignment.body.id, workspace_id: headers()['x-workspace-id'], user_id: user.body.id, role_id: role.body.id, scope_workspace_id: null, created_time: listed.body.items[0].created_time },
        ]);
      }
    });
  }

  it('matches agent:* to agent:write and agent:read, and to nothing outside agent:', async () => {
    const { user, role } = await userWith(['session:read', 'agent:*']);
    expect(await check({ user_id: user.id, permission: 'agent:write' })).to.deep.equal({ allowed: true, matched_role: role.code, matched_permission: 'agent:*' });
    expect((await check({ user_id: user.id, permission: 'agent:read' })).matched_permission).to.equal('agent:*');
    expect((await check({ user_id: user.id, permission: 'session:read' })).matched_permission).to.equal('session:read');
    for (const permission of ['team:write', 'agents:write', 'agent', 'session:write']) {
      expect(await check({ user_id: user.id, permission }), permission).to.deep.equal({ allowed: false, matched_role: null, matched_permission: null });
    }
  });

  it('names the role assigned first among those that allow', async () => {
    const { user } = await userWith(['agent:read']);
    const wide = (await ok('POST', '/auth/roles', { code: 'operator', name: 'Operator', permissions_json: ['agent:*'] })) as Sent;
    await ok('POST', '/auth/assignments', { user_id: user.id, role_id: wide.id });
    expect(await check({ user_id: user.id, permission: 'agent:write' })).to.deep.equal({ allowed: true, matched_role: 'operator', matched_permission: 'agent:*' });
    expect((await check({ user_id: user.id, permission: 'agent:read' })).matched_permission).to.equal('agent:read');
  });

  it('denies a disabled user whatever its roles, at once, and allows it again once enabled', async () => {
    const { user } = await userWith(['*']);
    const disabled = (await ok('POST', `/auth/users/${user.id}/disable`)) as Sent;
    expect(await check({ user_id: user.id, permission: 'agent:write' })).to.deep.equal({ allowed: false, matched_role: null, matched_permission: null });
    expectProblem(await call('POST', `/auth/users/${user.id}/disable`), 409, 'AUTH_USER_DISABLED');
    expect((await call('GET', `/auth/users/${user.id}`, undefined, minPosition(disabled.position))).body.status).to.equal('disabled');
    expect((await call('GET', '/auth/users?status=disabled')).body.items.map((u: { id: string }) => u.id)).to.deep.equal([user.id]);
    const enabled = (await ok('POST', `/auth/users/${user.id}/enable`)) as Sent;
    expect((await check({ user_id: user.id, permission: 'agent:write' })).allowed).to.equal(true);
    expectProblem(await call('POST', `/auth/users/${user.id}/enable`), 409, 'AUTH_USER_ACTIVE');
    expect((await call('GET', `/auth/users?status=active`, undefined, minPosition(enabled.position))).body.items.map((u: { id: string }) => u.id)).to.deep.equal([user.id]);
    expect((await call('GET', `/auth/users?status=disabled`)).body.items).to.deep.equal([]);
  });

  it('counts an assignment scoped to a workspace only in that workspace', async () => {
    const { user, assigned } = await userWith(['agent:*'], { workspace_id: 'ws-elsewhere' });
    expect((await check({ user_id: user.id, permission: 'agent:write' })).allowed, 'the request workspace').to.equal(false);
    expect((await check({ user_id: user.id, permission: 'agent:write', workspace_id: headers()['x-workspace-id'] })).allowed).to.equal(false);
    expect(await check({ user_id: user.id, permission: 'agent:write', workspace_id: 'ws-elsewhere' })).to.deep.include({ allowed: true, matched_permission: 'agent:*' });
    const listed = await call('GET', `/auth/assignments?user_id=${user.id}`, undefined, minPosition(assigned.position));
    expect(listed.body.items.map((a: { scope_workspace_id: string }) => a.scope_workspace_id)).to.deep.equal(['ws-elsewhere']);
  });

  it('removes an assignment: its role stops counting at once, and a second removal is 404', async () => {
    const { user, role, assigned } = await userWith(['*']);
    // The assignment is found through the read model: once it holds the creation.
    expect((await call('GET', `/auth/assignments?user_id=${user.id}`, undefined, minPosition(assigned.position))).body.items).to.have.length(1);
    const removed = await call('DELETE', `/auth/assignments/${assigned.id}`);
    expect(removed.status, JSON.stringify(removed.body)).to.equal(202);
    expect((await check({ user_id: user.id, permission: 'agent:write' })).allowed).to.equal(false);
    const read = await call('GET', `/auth/users/${user.id}`, undefined, minPosition(removed.body.position));
    expect(read.body.roles).to.deep.equal([]);
    expectProblem(await call('DELETE', `/auth/assignments/${assigned.id}`), 404, 'AUTH_ASSIGNMENT_NOT_FOUND');
    // Made again, it is the same assignment (its id derives from user, role and scope).
    expect(((await ok('POST', '/auth/assignments', { user_id: user.id, role_id: role.id })) as Sent).id).to.equal(assigned.id);
    expect((await check({ user_id: user.id, permission: 'agent:write' })).allowed).to.equal(true);
  });

  it('refuses a taken username (whatever its case), a taken code and the same assignment twice with 409, appending nothing', async () => {
    const { user, role } = await userWith(['*']);
    await ok('POST', '/auth/users', seedUser);
    const { username } = (await call('GET', `/auth/users/${user.id}`, undefined, minPosition(user.position))).body;
    const before = await logLength();
    expectProblem(await call('POST', '/auth/users', { username: username.toUpperCase() }), 409, 'AUTH_USERNAME_TAKEN');
    expectProblem(await call('POST', '/auth/users', { ...seedUser, username: 'ALICE' }), 409, 'AUTH_USERNAME_TAKEN');
    expectProblem(await call('POST', '/auth/roles', { code: role.code, name: 'Another', permissions_json: [] }), 409, 'AUTH_ROLE_CODE_TAKEN');
    expectProblem(await call('POST', '/auth/assignments', { user_id: user.id, role_id: role.id }), 409, 'AUTH_ASSIGNMENT_EXISTS');
    expect(await logLength()).to.equal(before);
  });

  it("answers 404 for unknown ids and for another workspace's user or role, naming the body field, appending nothing", async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const { user, role, assigned } = await userWith(['*']);
    const other = { 'x-workspace-id': freshWorkspace() };
    const before = await logLength();
    const problem = async (answer: ReturnType<typeof call>, code: string, fields: string[] = []) => {
      const a = await answer;
      expectProblem(a, 404, code);
      expect(a.body.errors?.map((e: { field: string }) => e.field) ?? []).to.deep.equal(fields);
    };
    await problem(call('POST', '/auth/permissions/check', { user_id: unknown, permission: 'agent:write' }), 'AUTH_USER_NOT_FOUND', ['body.user_id']);
    await problem(call('POST', '/auth/assignments', { user_id: user.id, role_id: unknown }), 'AUTH_ROLE_NOT_FOUND', ['body.role_id']);
    await problem(call('POST', '/auth/assignments', { user_id: unknown, role_id: role.id }), 'AUTH_USER_NOT_FOUND', ['body.user_id']);
    await problem(call('POST', `/auth/users/${unknown}/disable`), 'AUTH_USER_NOT_FOUND');
    await problem(call('DELETE', `/auth/assignments/${unknown}`), 'AUTH_ASSIGNMENT_NOT_FOUND');
    await problem(call('GET', `/auth/users/${unknown}`), 'AUTH_USER_NOT_FOUND');
    await problem(call('GET', `/auth/roles/${unknown}`), 'AUTH_ROLE_NOT_FOUND');
    // Another workspace's: as unknown.
    await problem(call('POST', '/auth/permissions/check', { user_id: user.id, permission: 'agent:write' }, other), 'AUTH_USER_NOT_FOUND', ['body.user_id']);
    await problem(call('POST', `/auth/users/${user.id}/disable`, undefined, other), 'AUTH_USER_NOT_FOUND');
    await problem(call('DELETE', `/auth/assignments/${assigned.id}`, undefined, other), 'AUTH_ASSIGNMENT_NOT_FOUND');
    await problem(call('GET', `/auth/users/${user.id}`, undefined, other), 'AUTH_USER_NOT_FOUND');
    await problem(call('GET', `/auth/roles/${role.id}`, undefined, other), 'AUTH_ROLE_NOT_FOUND');
    const theirs = (await call('POST', '/auth/users', seedUser, other)).body as Sent;
    await problem(call('POST', '/auth/assignments', { user_id: theirs.id, role_id: role.id }), 'AUTH_USER_NOT_FOUND', ['body.user_id']);
    await problem(call('POST', '/auth/assignments', { user_id: user.id, role_id: role.id }, other), 'AUTH_ROLE_NOT_FOUND', ['body.role_id']);
    expect(await logLength()).to.equal(before);
    expect((await call('GET', `/auth/assignments?user_id=${user.id}`, undefined, other)).body.items).to.deep.equal([]);
  });

  it('refuses bad input with 400 naming each field (a bad permission by its index), appending nothing', async () => {
    const { user } = await userWith(['*']);
    const before = await logLength();
    const refused = async (method: string, path: string, body: unknown, fields: string[]) => {
      const answer = await call(method, path, body);
      expectProblem(answer, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(answer), JSON.stringify(body)).to.deep.equal(fields);
    };
    await refused('POST', '/auth/roles', { code: 'x', name: 'X', permissions_json: ['agent:read', 'Agent:Write', '*:read'] }, ['body.permissions_json.1', 'body.permissions_json.2']);
    await refused('POST', '/auth/roles', { code: 'x', name: 'X', permissions_json: ['agent:read', 'agent:read'] }, ['body.permissions_json.1']);
    await refused('POST', '/auth/roles', { code: 'x y', name: '', permissions_json: '*' }, ['body.code', 'body.name', 'body.permissions_json']);
    await refused('POST', '/auth/users', { username: 'alice', email: 'not an email' }, ['body.email']);
    await refused('POST', '/auth/users', { username: ' alice', display_name: '' }, ['body.username', 'body.display_name']);
    await refused('POST', '/auth/users', { display_name: 'Alice' }, ['body.username']);
    await refused('POST', '/auth/assignments', { user_id: user.id, role_id: 'admin', workspace_id: '' }, ['body.role_id', 'body.workspace_id']);
    await refused('POST', '/auth/permissions/check', { user_id: user.id, permission: 'agent:*' }, ['body.permission']);
    await refused('POST', '/auth/permissions/check', { user_id: 'alice', permission: 'Agent Write' }, ['body.user_id', 'body.permission']);
    expectProblem(await call('POST', '/auth/users/alice/disable'), 400, 'VALIDATION_FAILED');
    expect(await logLength()).to.equal(before);
  });

  it('answers a retried create with the same Idempotency-Key with its first answer, appending nothing more', async () => {
    const key = { 'idempotency-key': 'create-bob-1' };
    const first = await call('POST', '/auth/users', { username: 'bob', email: 'bob@example.com' }, key);
    expect(first.status).to.equal(201);
    const before = await logLength();
    const again = await call('POST', '/auth/users', { username: 'bob', email: 'bob@example.com' }, key);
    expect(again.status).to.equal(201);
    expect(again.body).to.deep.equal(first.body);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    expect(await logLength()).to.equal(before);
  });
});
