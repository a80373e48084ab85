import { expect } from 'chai';
import { describeOnPlatform, eventually, expectProblem, fieldsOf, minPosition, sessionBody, workspaceClient } from './testing/server.js';

describeOnPlatform('agent runs over HTTP: queueing and cancelling', (server) => {
  const { call, ok } = workspaceClient(server);
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
    const read = await call('GET', `/agents/runs/${run.id}`, undefined, minPosition(run.position));
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
    const list = await call('GET', `/agents/runs?session_id=${session.id}&status=queued`, undefined, minPosition(run.position));
    expect(list.body.items.map((r: { id: string; agent_version_id: string }) => [r.id, r.agent_version_id])).to.deep.equal([[run.id, versions[1]!.id]]);
  });

  it('answers a retry with the same Idempotency-Key with the run the first request queued, and queues one run', async () => {
    const { agent } = await agentWithVersions(['published']);
    const session = await ok('POST', '/sessions', sessionBody());
    const body = { agent_id: agent.id, session_id: session.id, input_text: 'once', auto_execute: false };
    const key = { 'idempotency-key': 'queue-once' };
    const first = await call('POST', '/agents/runs', body, key);
    const retry = await call('POST', '/agents/runs', body, key);
    expect([first.status, retry.status]).to.deep.equal([201, 201]);
    expect(retry.headers.get('idempotent-replayed')).to.equal('true');
    expect(retry.body).to.deep.equal(first.body);
    const list = await call('GET', `/agents/runs?session_id=${session.id}`, undefined, minPosition(first.body.position));
    expect(list.body.items.map((r: { id: string }) => r.id)).to.deep.equal([first.body.id]);
  });

  it('cancels a run once; a cancelled run stays cancelled', async () => {
    const { agent } = await agentWithVersions(['published']);
    const session = await ok('POST', '/sessions', sessionBody());
    const run = await ok('POST', '/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: 'hi', auto_execute: false });
    const cancelled = await ok('POST', `/agents/runs/${run.id}/cancel`, { reason: 'changed my mind' });
    const read = await call('GET', `/agents/runs/${run.id}`, undefined, minPosition(cancelled.position));
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

  describe("the seed's execution examples, with the local model (no key)", () => {
    const seedRun = async (version: Record<string, unknown>, run: Record<string, unknown> = {}) => {
      const agent = await ok('POST', '/agents', { code: 'sales_agent', name: 'Sales Agent', agent_type: 'assistant' });
      await ok('POST', '/agents/versions', {
        agent_id: agent.id,
        status: 'published',
        role: 'sales_assistant',
        goal: 'Help qualify leads',
        system_prompt: 'You are a careful sales assistant.',
        ...version,
      });
      const session = await ok('POST', '/sessions', sessionBody());
      return ok('POST', '/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: 'Summarize this lead.', auto_execute: false, ...run });
    };

    it('executes a run without calling a model ("dry_run": true), then lists its tool invocations', async () => {
      const tool = await ok('POST', '/tools', { code: 'search_products', name: 'Search Products', tool_type: 'http' });
      await ok('POST', '/tools/versions', {
        tool_id: tool.id,
        status: 'published',
        input_schema_json: { query: { type: 'string' } },
        invoke_config_json: { method: 'GET', path: '/products/search' },
      });
      const run = await seedRun({ tool_refs: [{ tool_code: 'search_products', required: true }], skill_refs: [{ skill_code: 'lead_summary' }] });
      const executed = await call('POST', `/agents/runs/${run.id}/execute`, { worker_key: 'agent-worker-1', dry_run: true });
      expect(executed.status, JSON.stringify(executed.body)).to.equal(200);
      expect(executed.body).to.deep.include({ id: run.id, status: 'completed', dry_run: true, worker_key: 'agent-worker-1', steps: 0 });
      expect(executed.body.selected_tool_refs.map((r: { tool_code: string }) => r.tool_code)).to.deep.equal(['search_products']);
      expect(executed.body.selected_skill_refs.map((r: { skill_code: string }) => r.skill_code)).to.deep.equal(['lead_summary']);
      const invocations = await call('GET', `/agents/runs/${run.id}/tool-invocations`, undefined, minPosition(executed.body.position));
      expect(invocations.body.items.map((i: { tool_code: string; status: string }) => [i.tool_code, i.status])).to.deep.equal([['search_products', 'selected']]);
    });

    it('executes a run with the model gateway, and the answer joins the session', async () => {
      const run = await seedRun({});
      const executed = await call('POST', `/agents/runs/${run.id}/execute`, { worker_key: 'agent-worker-1' });
      expect(executed.status, JSON.stringify(executed.body)).to.equal(200);
      expect(executed.body).to.deep.include({ status: 'completed', output_text: 'You said: Summarize this lead.', steps: 1, input_text: 'Summarize this lead.', auto_execute: false });
      expect(executed.body.prompt_tokens).to.be.above(0);
      const read = await call('GET', `/agents/runs/${run.id}`, undefined, minPosition(executed.body.position));
      expect(read.body).to.deep.include({ status: 'completed', output_text: 'You said: Summarize this lead.', steps: 1 });
      await eventually(async () => {
        const messages = await call('GET', `/sessions/${read.body.session_id}/messages`);
        expect(messages.body.items.map((m: { role: string }) => m.role)).to.deep.equal(['assistant']);
      });
    });

    it("runs the seed's memory-policy version: it reads its session's memories, and remembers the conversation once it completes", async () => {
      const run = await seedRun({
        role: 'assistant',
        system_prompt: 'Use relevant memory when helpful.',
        memory_policy: { enabled: true, memory_scope: 'session', read_top_k: 5, write_enabled: true, config_json: { write_importance_score: 60 } },
      });
      const executed = await call('POST', `/agents/runs/${run.id}/execute`, { worker_key: 'agent-worker-1' });
      expect(executed.body).to.deep.include({ status: 'completed' });
      const read = await call('GET', `/agents/runs/${run.id}`, undefined, minPosition(executed.body.position));
      const sessionId = read.body.session_id as string;
      expect(read.body.memory).to.deep.include({ read: 'read', memory_scope: 'session', scope_id: sessionId, read_top_k: 5, read_count: 0, note: null });
      await eventually(async () => {
        const memories = await call('GET', `/memories?scope_type=session&scope_id=${sessionId}`);
        expect(memories.body.items.map((m: Record<string, unknown>) => [m.memory_type, m.importance_score, (m.provenance as { run_id: string }).run_id])).to.deep.equal([
          ['conversation', 60, run.id],
        ]);
        // Pending while the run went; written once the memory is.
        expect((await call('GET', `/agents/runs/${run.id}`)).body.memory.write).to.equal('written');
      });
    });

    it('runs a ReAct version whose model calls a tool, and records the invocation', async () => {
      const tool = await ok('POST', '/tools', { code: 'search_products', name: 'Search Products', tool_type: 'http' });
      await ok('POST', '/tools/versions', { tool_id: tool.id, status: 'published', invoke_config_json: { method: 'GET', path: '/products/search' } });
      const run = await seedRun({ model_config: { react_enabled: true, react_max_steps: 5 }, tool_refs: [{ tool_code: 'search_products' }] });
      const executed = await call('POST', `/agents/runs/${run.id}/execute`, { worker_key: 'agent-worker-1' });
      expect(executed.body).to.deep.include({ status: 'completed', steps: 2 });
      // The seed's tool has no base_url: the invocation fails, the model is told, and the run still answers.
      expect(executed.body.output_text).to.match(/^The search_products tool returned: Error TOOL_NOT_CONFIGURED/);
      const invocations = await call('GET', `/agents/runs/${run.id}/tool-invocations`, undefined, minPosition(executed.body.position));
      expect(invocations.body.items.map((i: { tool_code: string; status: string }) => [i.tool_code, i.status])).to.deep.equal([['search_products', 'failed']]);
    });

    it('executes one queued run through the worker claim API', async () => {
      const run = await seedRun({});
      await call('GET', '/agents/runs', undefined, minPosition(run.position));
      const executed = await call('POST', '/agents/workers/execute-next', { worker_key: 'agent-worker-1', lease_seconds: 300, dry_run: true });
      expect(executed.status, JSON.stringify(executed.body)).to.equal(200);
      expect(executed.body).to.deep.include({ id: run.id, status: 'completed', dry_run: true });
    });

    it('answers 404 for executing an unknown run, 400 naming a bad field, and 200 for a run that already ended', async () => {
      expectProblem(await call('POST', '/agents/runs/00000000-0000-4000-8000-000000000000/execute', { worker_key: 'w' }), 404, 'AGENT_RUN_NOT_FOUND');
      const run = await seedRun({});
      const bad = await call('POST', `/agents/runs/${run.id}/execute`, { worker_key: 'w', dry_run: 'yes' });
      expect(bad.status).to.equal(400);
      expect(fieldsOf(bad)).to.deep.equal(['body.dry_run']);
      await ok('POST', `/agents/runs/${run.id}/cancel`);
      const ended = await call('POST', `/agents/runs/${run.id}/execute`, { worker_key: 'w' });
      expect(ended.status).to.equal(200);
      expect(ended.body).to.deep.include({ status: 'cancelled' });
    });
  });
});
