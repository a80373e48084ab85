import { expect } from 'chai';
import { integrationStreamId } from '@agent-platform/contracts';
import { describeOnPlatform, expectProblem, fieldsOf, freshWorkspace, minPosition, sessionBody } from './testing/server.js';

const integrationEvent = (overrides: Record<string, unknown> = {}) => ({
  event_type: 'run.created',
  source_service: 'agent-service',
  aggregate_type: 'agent_run',
  aggregate_id: 'run-1',
  payload_json: { run_id: 'run-1' },
  ...overrides,
});

describeOnPlatform("the seed's event service: integration events and HTTP pull consumers", (server) => {
  let ws: Record<string, string>;
  beforeEach(() => {
    ws = { 'x-workspace-id': freshWorkspace() };
  });
  const call = (method: string, path: string, body?: unknown) => server().request(method, path, { body, headers: ws });
  const claim = async (body: Record<string, unknown> = {}) => {
    const answer = await call('POST', '/events/claim-pending', body);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body.items as { id: string; event_type: string; status: string; attempts: number; [k: string]: unknown }[];
  };
  /** The log shows an event once no older transaction can commit: claim until the expected count arrives. */
  const claimUntil = async (count: number, body: Record<string, unknown> = {}) => {
    for (let i = 0; i < 100; i++) {
      const items = await claim(body);
      if (items.length >= count) return items;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`fewer than ${count} events claimed`);
  };

  /** The integration stream of one aggregate in one workspace, as `GET /streams/:id` names it. */
  const streamPath = (workspace: string, type: string, id: string) =>
    `/streams/${encodeURIComponent(integrationStreamId(workspace, type, id))}`;

  it("records an event of another service: 201 with its id and position, in its workspace's stream under integration.<event_type>", async () => {
    const answer = await call('POST', '/events', integrationEvent());
    expect(answer.status).to.equal(201);
    const stream = await call('GET', streamPath(ws['x-workspace-id']!, 'agent_run', 'run-1'));
    expect(stream.status).to.equal(200);
    expect(stream.body.events.at(-1)).to.deep.include({ event_id: answer.body.id, type: 'integration.run.created' });
  });

  it('keeps a forged AgentRunQueued and SessionOpened out of the agent-runs and sessions read models, and /ready stays 200', async () => {
    const forged = { run_id: '00000000-0000-4000-8000-000000000001', session_id: '00000000-0000-4000-8000-000000000002' };
    for (const event_type of ['AgentRunQueued', 'SessionOpened']) {
      expect((await call('POST', '/events', integrationEvent({ event_type, payload_json: forged }))).status).to.equal(201);
    }
    // A platform event after the forged ones: the projectors must have got past them to answer it.
    const opened = await call('POST', '/sessions', sessionBody());
    const read = await server().request('GET', `/sessions/${opened.body.id}`, { headers: { ...ws, ...minPosition(opened.body.position) } });
    expect(read.status, JSON.stringify(read.body)).to.equal(200);
    const runs = await server().request('GET', '/agents/runs', { headers: { ...ws, ...minPosition(opened.body.position) } });
    expect(runs.status, JSON.stringify(runs.body)).to.equal(200);
    expect(runs.body.items).to.deep.equal([]);
    const sessions = await call('GET', '/sessions');
    expect(sessions.body.items.map((s: { id: string }) => s.id)).to.deep.equal([opened.body.id]);
    const ready = await server().request('GET', '/ready');
    expect(ready.status, JSON.stringify(ready.body)).to.equal(200);
  });

  it("confines an aggregate's integration stream to its workspace: another workspace neither reads it nor writes into it", async () => {
    const other = { 'x-workspace-id': freshWorkspace() };
    const own = await call('POST', '/events', integrationEvent());
    await server().request('POST', '/events', { body: integrationEvent(), headers: other });
    const stream = await call('GET', streamPath(ws['x-workspace-id']!, 'agent_run', 'run-1'));
    expect(stream.status, JSON.stringify(stream.body)).to.equal(200);
    expect(stream.body.events.map((e: { event_id: string }) => e.event_id)).to.deep.equal([own.body.id]);
    const read = await server().request('GET', streamPath(ws['x-workspace-id']!, 'agent_run', 'run-1'), { headers: other });
    expectProblem(read, 404, 'STREAM_NOT_FOUND');
  });

  it('refuses a bad event naming the field, and records nothing', async () => {
    const answer = await call('POST', '/events', integrationEvent({ event_type: 'has space', source_service: '' }));
    expectProblem(answer, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(answer)).to.have.members(['body.event_type', 'body.source_service']);
  });

  it("leases the workspace's events to a consumer in log order, with the seed's fields", async () => {
    const published = await call('POST', '/events', integrationEvent());
    await call('POST', '/sessions', sessionBody());
    const items = await claimUntil(2, { limit: 10 });
    expect(items.map((i) => i.event_type)).to.deep.equal(['run.created', 'SessionOpened']);
    expect(items[0]).to.deep.include({
      id: published.body.id,
      source_service: 'agent-service',
      aggregate_type: 'agent_run',
      aggregate_id: 'run-1',
      payload_json: { run_id: 'run-1' },
      status: 'pending',
      attempts: 1,
    });
    expect(items[1]).to.deep.include({ source_service: 'agent-platform', aggregate_type: 'session' });
    expect(await claim()).to.deep.equal([], 'leased events are not claimed twice');
  });

  it('never offers a delivered event again, and offers a failed one again when its lease ran out', async () => {
    await call('POST', '/events', integrationEvent({ aggregate_id: 'a' }));
    await call('POST', '/events', integrationEvent({ aggregate_id: 'b' }));
    const [first, second] = await claimUntil(2, { lease_seconds: 1 });
    expect((await call('POST', `/events/${first!.id}/status`, { status: 'delivered' })).body.status).to.equal('delivered');
    expect((await call('POST', `/events/${second!.id}/status`, { status: 'failed', error: 'timeout' })).body.status).to.equal('failed');
    await new Promise((r) => setTimeout(r, 1100));
    const again = await claim();
    expect(again.map((i) => i.id)).to.deep.equal([second!.id]);
    expect(again[0]!.attempts).to.equal(2);
  });

  it('keeps consumers apart: each consumer gets every event once', async () => {
    await call('POST', '/events', integrationEvent());
    expect(await claimUntil(1, { consumer: 'billing' })).to.have.length(1);
    expect(await claimUntil(1, { consumer: 'search' })).to.have.length(1);
    expect(await claim({ consumer: 'billing' })).to.have.length(0);
  });

  it("never leases another workspace's events", async () => {
    await call('POST', '/events', integrationEvent());
    await claimUntil(1);
    const other = await server().request('POST', '/events/claim-pending', { body: {}, headers: { 'x-workspace-id': freshWorkspace() } });
    expect(other.body.items).to.deep.equal([]);
  });

  it('answers 404 for the status of an event the consumer was never offered', async () => {
    const answer = await call('POST', '/events/00000000-0000-4000-8000-000000000000/status', { status: 'delivered' });
    expectProblem(answer, 404, 'DELIVERY_NOT_FOUND');
  });
});

describeOnPlatform('dead letters over HTTP', (server) => {
  it('lists none in a fresh workspace, and answers 404 for an unknown one, read or retried', async () => {
    const headers = { 'x-workspace-id': freshWorkspace() };
    const list = await server().request('GET', '/dead-letters', { headers });
    expect(list.status).to.equal(200);
    expect(list.body).to.deep.equal({ items: [], next_cursor: null });
    const id = '00000000-0000-4000-8000-000000000000';
    expectProblem(await server().request('GET', `/dead-letters/${id}`, { headers }), 404, 'DEAD_LETTER_NOT_FOUND');
    expectProblem(await server().request('POST', `/dead-letters/${id}/retry`, { headers }), 404, 'DEAD_LETTER_NOT_FOUND');
  });
});
