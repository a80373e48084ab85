import { expect } from 'chai';
import { describeOnPlatform, expectProblem, freshWorkspace, sessionBody } from './testing/server.js';

describeOnPlatform('agent runs over HTTP: queueing and cancelling', (server) => {
  let ws: Record<string, string>;
  beforeEach(() => {
    ws = { 'x-workspace-id': freshWorkspace() };
  });
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    server().request(method, path, { body, headers: { ...ws, ...headers } });
  const ok = async (method: string, path: string, body?: unknown) => {
    const answer = await call(method, path, body);
    expect(answer.status, JSON.stringify(answer.body)).to.be.oneOf([201, 202]);
    return answer.body as { id: string; position: number };
  };
  const fresh = (position: number) => ({ 'x-min-position': String(position) });
  const agentWithVersions = async (statuses: ('draft' | 'published')[], code = 'sales_agent') => {
    const agent = await ok('POST', '/agents', { code, name: 'Sales Agent', agent_type: 'assistant' });
    const versions = [];
    for (const status of statuses) versions.push(await ok('POST', '/agents/versions', { agent_id: agent.id, status, system_prompt: 'Be brief.' }));
    return { agent, versions };
  };

  it("queues the seed's example run on the newest published version", async () => {
    const { agent, versions } = await agentWithVersions(['published', 'published', 'draft']);
    const session = await ok('POST', '/sessions', sessionBody());
    const run = await ok('POST', '/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: 'Summarize this lead.' });
    const read = await call('GET', `/agents/runs/${run.id}`, undefined, fresh(run.position));
    expect(read.status).to.equal(200);
    expect(read.body).to.deep.include({
      agent_id: agent.id,
      agent_version_id: versions[1]!.id,
      session_id: session.id,
      input_text: 'Summarize this lead.',
      auto_execute: true,
      dry_run: false,
    });
  });

  it('runs the version asked for, and lists runs by session and status', async () => {
    const { agent, versions } = await agentWithVersions(['published', 'draft']);
    const session = await ok('POST', '/sessions', sessionBody());
    const run = await ok('POST', '/agents/runs', {
      agent_id: agent.id,
      agent_version_id: versions[1]!.id,
      session_id: session.id,
      input_text: 'hi',
      auto_execute: false,
    });
    const list = await call('GET', `/agents/runs?session_id=${session.id}&status=queued`, undefined, fresh(run.position));
    expect(list.body.items.map((r: { id: string; agent_version_id: string }) => [r.id, r.agent_version_id])).to.deep.equal([[run.id, versions[1]!.id]]);
  });

  it('cancels a run once; a cancelled run stays cancelled', async () => {
    const { agent } = await agentWithVersions(['published']);
    const session = await ok('POST', '/sessions', sessionBody());
    const run = await ok('POST', '/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: 'hi', auto_execute: false });
    const cancelled = await ok('POST', `/agents/runs/${run.id}/cancel`, { reason: 'changed my mind' });
    const read = await call('GET', `/agents/runs/${run.id}`, undefined, fresh(cancelled.position));
    expect(read.body).to.deep.include({ status: 'cancelled' });
    expect(read.body.finished_time).to.be.a('string');
    expectProblem(await call('POST', `/agents/runs/${run.id}/cancel`), 409, 'AGENT_RUN_ENDED');
  });

  it('refuses a run of an agent with no published version, of an unknown agent, or in a missing or closed session', async () => {
    const { agent } = await agentWithVersions(['draft']);
    const session = await ok('POST', '/sessions', sessionBody());
    const unknown = '00000000-0000-4000-8000-000000000000';
    expectProblem(await call('POST', '/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: 'hi' }), 409, 'AGENT_NOT_PUBLISHED');
    expectProblem(await call('POST', '/agents/runs', { agent_id: unknown, session_id: session.id, input_text: 'hi' }), 404, 'AGENT_NOT_FOUND');
    const { agent: runnable } = await agentWithVersions(['published'], 'support_agent');
    expectProblem(await call('POST', '/agents/runs', { agent_id: runnable.id, session_id: unknown, input_text: 'hi' }), 404, 'SESSION_NOT_FOUND');
    await ok('POST', `/sessions/${session.id}/close`);
    expectProblem(await call('POST', '/agents/runs', { agent_id: runnable.id, session_id: session.id, input_text: 'hi' }), 409, 'SESSION_CLOSED');
    expectProblem(await call('GET', `/agents/runs/${unknown}`), 404, 'AGENT_RUN_NOT_FOUND');
  });
});
