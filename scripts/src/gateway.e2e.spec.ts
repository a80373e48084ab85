import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { describeOnPlatform, expectProblem, fieldsOf, freshWorkspace, sessionBody } from './testing/server.js';

describeOnPlatform('gateway: one entry point for every route', (server) => {
  const call = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
    server().request(method, path, { headers, body });

  it('serves every command and query route under /gateway as at the root', async () => {
    const ws = { 'x-workspace-id': freshWorkspace() };
    const opened = await call('POST', '/gateway/sessions', ws, sessionBody());
    expect(opened.status).to.equal(201);
    const { id } = opened.body;
    const message = await call('POST', `/gateway/sessions/${id}/messages`, ws, { role: 'user', content_text: 'hello' });
    expect(message.status).to.equal(201);
    const fresh = { ...ws, 'x-min-position': String(message.body.position) };
    expect((await call('GET', `/gateway/sessions/${id}`, fresh)).body).to.include({ id, message_count: 1 });
    expect((await call('GET', `/gateway/sessions/${id}/messages`, fresh)).body.items).to.have.length(1);
    expect((await call('GET', '/gateway/sessions?user_id=user-1', fresh)).body.items.map((s: { id: string }) => s.id)).to.deep.equal([id]);
    const closed = await call('POST', `/gateway/sessions/${id}/close`, ws);
    expect(closed.status).to.equal(202);
    expect((await call('GET', `/gateway/sessions/${id}?min_position=${closed.body.position}`, ws)).body.status).to.equal('closed');
    expect((await call('GET', `/gateway/streams/session-${id}`, ws)).body.version).to.equal(3);
    expect((await call('GET', '/gateway/events', ws)).body.items).to.have.length(3);
    expect((await call('GET', '/gateway/projections')).status).to.equal(200);
    expect((await call('GET', '/gateway/health')).status).to.equal(200);
  });

  it('answers GET /health with 200 while the process is alive', async () => {
    const answer = await call('GET', '/health');
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.equal({ status: 'ok' });
  });

  it('answers GET /ready with 200: database reachable, migrations applied, the sessions projection listed', async () => {
    const answer = await call('GET', '/ready');
    expect(answer.status).to.equal(200);
    expect(answer.body).to.include({ status: 'ready' });
    expect(answer.body.database.ok).to.equal(true);
    expect(answer.body.migrations).to.deep.equal({ ok: true, pending: [] });
    expect(answer.body.projections.map((p: { name: string }) => p.name)).to.include('sessions');
  });

  it('shows the sessions projection with no lag once a read-your-writes query has been answered', async () => {
    const { body } = await call('POST', '/sessions', {}, sessionBody());
    expect((await call('GET', `/sessions/${body.id}`, { 'x-min-position': String(body.position) })).status).to.equal(200);
    const answer = await call('GET', '/projections');
    const sessions = answer.body.items.find((p: { name: string }) => p.name === 'sessions');
    expect(sessions).to.include({ lag_events: 0, position: body.position, head_position: body.position });
  });

  it('answers an unknown route with 404 problem+json ROUTE_NOT_FOUND, at the root and under /gateway', async () => {
    expectProblem(await call('GET', '/no-such-route'), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await call('POST', '/gateway/no-such-route', {}, {}), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await call('DELETE', '/sessions'), 404, 'ROUTE_NOT_FOUND');
  });
});

describeOnPlatform('gateway: workspaces keep tenants apart', (server) => {
  const call = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
    server().request(method, path, { headers, body });
  const open = async (workspace: string, overrides: Record<string, unknown> = {}) => {
    const answer = await call('POST', '/sessions', { 'x-workspace-id': workspace }, sessionBody(overrides));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body as { id: string; position: number };
  };

  it("hides a workspace's session from every other workspace, and from the default `public`, and appends nothing for them", async () => {
    const a = freshWorkspace();
    const { id, position } = await open(a);
    const others: Record<string, string>[] = [{ 'x-workspace-id': freshWorkspace() }, {}];
    for (const other of others) {
      const fresh = { ...other, 'x-min-position': String(position) };
      expectProblem(await call('GET', `/sessions/${id}`, fresh), 404, 'SESSION_NOT_FOUND');
      expectProblem(await call('GET', `/sessions/${id}/messages`, fresh), 404, 'SESSION_NOT_FOUND');
      expectProblem(await call('POST', `/sessions/${id}/messages`, other, { role: 'user', content_text: 'x' }), 404, 'SESSION_NOT_FOUND');
      expectProblem(await call('POST', `/sessions/${id}/close`, other), 404, 'SESSION_NOT_FOUND');
    }
    const own = await call('GET', `/streams/session-${id}`, { 'x-workspace-id': a });
    expect(own.body.events.map((e: { type: string }) => e.type)).to.deep.equal(['SessionOpened']);
  });

  it('takes the workspace from ?workspace_id= when no x-workspace-id header is sent', async () => {
    const ws = freshWorkspace();
    const opened = await call('POST', `/sessions?workspace_id=${ws}`, {}, sessionBody());
    expect(opened.status).to.equal(201);
    const { id, position } = opened.body;
    expect((await call('GET', `/sessions/${id}?workspace_id=${ws}&min_position=${position}`)).status).to.equal(200);
    expect((await call('GET', `/sessions/${id}`, { 'x-workspace-id': ws })).body.workspace_id).to.equal(ws);
    expectProblem(await call('GET', `/sessions/${id}`), 404, 'SESSION_NOT_FOUND');
  });

  it('confines lists to the workspace', async () => {
    const [a, b] = [freshWorkspace(), freshWorkspace()];
    const mine = await open(a, { user_id: 'same-user' });
    const theirs = await open(b, { user_id: 'same-user' });
    const list = await call('GET', '/sessions?user_id=same-user', { 'x-workspace-id': a, 'x-min-position': String(theirs.position) });
    expect(list.body.items.map((s: { id: string }) => s.id)).to.deep.equal([mine.id]);
  });

  it('records workspace, request and correlation ids in every event, and echoes the request id', async () => {
    const ws = freshWorkspace();
    const requestId = `req-${randomUUID()}`;
    const correlationId = `corr-${randomUUID()}`;
    const opened = await call('POST', '/sessions', { 'x-workspace-id': ws, 'x-request-id': requestId, 'x-correlation-id': correlationId }, sessionBody());
    expect(opened.headers.get('x-request-id')).to.equal(requestId);
    const appended = await call('POST', `/sessions/${opened.body.id}/messages`, { 'x-workspace-id': ws }, { role: 'user', content_text: 'hi' });
    const generated = appended.headers.get('x-request-id');
    expect(generated).to.be.a('string').and.not.equal(requestId);
    const { events } = (await call('GET', `/streams/session-${opened.body.id}`, { 'x-workspace-id': ws })).body;
    expect(events[0].metadata).to.include({ workspace_id: ws, request_id: requestId, correlation_id: correlationId });
    // Without x-correlation-id, the request starts its own correlation: its request id.
    expect(events[1].metadata).to.include({ workspace_id: ws, request_id: generated, correlation_id: generated });
  });

  it('refuses a workspace id that is not 1-128 letters, digits or _ . : - with 400 naming x-workspace-id', async () => {
    for (const workspace of ['ws a', 'ws/a', '-leading-dash', 'x'.repeat(129)]) {
      const answer = await call('POST', '/sessions', { 'x-workspace-id': workspace }, sessionBody());
      expectProblem(answer, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(answer)).to.deep.equal(['x-workspace-id']);
    }
    const query = await call('GET', `/sessions?workspace_id=${encodeURIComponent('ws/a')}`);
    expectProblem(query, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(query)).to.deep.equal(['x-workspace-id']);
  });
});
