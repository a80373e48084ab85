import { expect } from 'chai';
import { describeOnPlatform, expectProblem, fieldsOf, freshWorkspace, minPosition, workspaceClient } from './testing/server.js';

describeOnPlatform('agents over HTTP', (server) => {
  const { call, ok } = workspaceClient(server);
  // The seed's example bodies, unchanged but for the agent id.
  const createAgent = () => ok('POST', '/agents', { code: 'sales_agent', name: 'Sales Agent', agent_type: 'assistant' });

  it("runs the seed's examples: an agent, a published version, a ReAct version, a version with session memory", async () => {
    const agent = await createAgent();
    const v1 = await ok('POST', '/agents/versions', {
      agent_id: agent.id,
      status: 'published',
      role: 'sales_assistant',
      goal: 'Help qualify leads',
      system_prompt: 'You are a careful sales assistant.',
    });
    const v2 = await ok('POST', '/agents/versions', { agent_id: agent.id, model_config: { react_enabled: true, react_max_steps: 5 } });
    const v3 = await ok('POST', '/agents/versions', {
      agent_id: agent.id,
      status: 'published',
      role: 'assistant',
      system_prompt: 'Use relevant memory when helpful.',
      memory_policy: { enabled: true, memory_scope: 'session', read_top_k: 5, write_enabled: true, config_json: { write_importance_score: 60 } },
    });
    const read = await call('GET', `/agents/${agent.id}`, undefined, minPosition(v3.position));
    expect(read.body).to.deep.include({ code: 'sales_agent', agent_type: 'assistant', version_count: 3, latest_published_version_id: v3.id });
    const first = (await call('GET', `/agents/versions/${v1.id}`)).body;
    expect(first).to.deep.include({ version_no: 1, status: 'published', role: 'sales_assistant', goal: 'Help qualify leads', tool_refs: [], skill_refs: [] });
    expect(first.model_config).to.deep.equal({ react_enabled: false, react_max_steps: 5, ask_human_enabled: false });
    expect((await call('GET', `/agents/versions/${v2.id}`)).body).to.deep.include({ status: 'draft', model_config: { react_enabled: true, react_max_steps: 5, ask_human_enabled: false } });
    expect((await call('GET', `/agents/versions/${v3.id}`)).body.memory_policy).to.deep.equal({
      enabled: true,
      memory_scope: 'session',
      read_top_k: 5,
      write_enabled: true,
      config_json: { write_importance_score: 60 },
    });
    const versions = await call('GET', `/agents/${agent.id}/versions`);
    expect(versions.body.items.map((v: { version_no: number }) => v.version_no)).to.deep.equal([3, 2, 1]);
  });

  it('keeps tool and skill refs with their selection rules', async () => {
    const agent = await createAgent();
    const version = await ok('POST', '/agents/versions', {
      agent_id: agent.id,
      tool_refs: [
        { tool_code: 'lookup_order', required: true },
        { tool_code: 'search_products', selection_keywords: ['product', 'price'], config_json: { auto_invoke: false } },
      ],
      skill_refs: [{ skill_code: 'hello_user', config_json: { auto_invoke: false }, selection_keywords: ['hello'] }],
    });
    const read = (await call('GET', `/agents/versions/${version.id}`, undefined, minPosition(version.position))).body;
    expect(read.tool_refs).to.deep.equal([
      { tool_code: 'lookup_order', required: true, requires_approval: false, selection_keywords: [], config_json: {} },
      { tool_code: 'search_products', required: false, requires_approval: false, selection_keywords: ['product', 'price'], config_json: { auto_invoke: false } },
    ]);
    expect(read.skill_refs[0]).to.deep.include({ skill_code: 'hello_user', selection_keywords: ['hello'] });
  });

  it('publishes and archives versions; the newest published one stays the default', async () => {
    const agent = await createAgent();
    const v1 = await ok('POST', '/agents/versions', { agent_id: agent.id, status: 'published' });
    const v2 = await ok('POST', '/agents/versions', { agent_id: agent.id });
    await ok('POST', `/agents/${agent.id}/versions/${v2.id}/publish`);
    const archived = await ok('POST', `/agents/${agent.id}/versions/${v2.id}/archive`);
    expect((await call('GET', `/agents/${agent.id}`, undefined, minPosition(archived.position))).body.latest_published_version_id).to.equal(v1.id);
    expectProblem(await call('POST', `/agents/${agent.id}/versions/${v2.id}/publish`), 409, 'AGENT_VERSION_NOT_DRAFT');
  });

  it('answers a retried version with the same Idempotency-Key with the version the first request created, and adds one', async () => {
    const agent = await createAgent();
    const key = { 'idempotency-key': 'version-once' };
    const first = await call('POST', '/agents/versions', { agent_id: agent.id }, key);
    const retry = await call('POST', '/agents/versions', { agent_id: agent.id }, key);
    expect(retry.headers.get('idempotent-replayed')).to.equal('true');
    expect(retry.body).to.deep.equal(first.body);
    const versions = await call('GET', `/agents/${agent.id}/versions`, undefined, minPosition(first.body.position));
    expect(versions.body.items.map((v: { id: string }) => v.id)).to.deep.equal([first.body.id]);
  });

  it('refuses a taken code (409), unknown agents (404) and bad input naming the field (400)', async () => {
    await createAgent();
    expectProblem(await call('POST', '/agents', { code: 'sales_agent', name: 'Again', agent_type: 'assistant' }), 409, 'AGENT_CODE_TAKEN');
    const unknown = '00000000-0000-4000-8000-000000000000';
    expectProblem(await call('GET', `/agents/${unknown}`), 404, 'AGENT_NOT_FOUND');
    expectProblem(await call('POST', '/agents/versions', { agent_id: unknown }), 404, 'AGENT_NOT_FOUND');
    const bad = await call('POST', '/agents/versions', {
      agent_id: unknown,
      model_config: { react_max_steps: 0 },
      memory_policy: { memory_scope: 'galaxy' },
      tool_refs: [{ required: true }],
    });
    expectProblem(bad, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(bad)).to.include.members(['body.model_config.react_max_steps', 'body.memory_policy.memory_scope', 'body.tool_refs.0.tool_id']);
  });

  describe('knowledge_refs', () => {
    const kb = async (code: string, headers: Record<string, string> = {}) => {
      const answer = await call('POST', '/knowledge/bases', { code, name: code }, headers);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      return answer.body.id as string;
    };
    const eventsOf = async (agentId: string) => (await call('GET', `/streams/agent-${agentId}`)).body.events as unknown[];

    it('keeps the knowledge bases a version searches, top_k 3 unless given, and shows them on the version', async () => {
      const agent = await createAgent();
      const [faq, policies] = [await kb('faq'), await kb('policies')];
      const version = await ok('POST', '/agents/versions', {
        agent_id: agent.id,
        knowledge_refs: [{ knowledge_base_id: faq }, { knowledge_base_id: policies, top_k: 8 }],
      });
      const read = (await call('GET', `/agents/versions/${version.id}`, undefined, minPosition(version.position))).body;
      expect(read.knowledge_refs).to.deep.equal([
        { knowledge_base_id: faq, top_k: 3 },
        { knowledge_base_id: policies, top_k: 8 },
      ]);
      const listed = (await call('GET', `/agents/${agent.id}/versions`)).body.items[0];
      expect(listed.knowledge_refs).to.deep.equal(read.knowledge_refs);
      const without = await ok('POST', '/agents/versions', { agent_id: agent.id });
      expect((await call('GET', `/agents/versions/${without.id}`, undefined, minPosition(without.position))).body.knowledge_refs).to.deep.equal([]);
    });

    it("refuses a base that does not exist, another workspace's or a deleted one: 404 naming the ref, appending nothing", async () => {
      const agent = await createAgent();
      const mine = await kb('faq');
      const theirs = await kb('faq', { 'x-workspace-id': freshWorkspace() });
      const gone = await kb('old');
      await ok('DELETE', `/knowledge/bases/${gone}`);
      const before = (await eventsOf(agent.id)).length;
      for (const refused of ['00000000-0000-4000-8000-000000000000', theirs, gone]) {
        const answer = await call('POST', '/agents/versions', { agent_id: agent.id, knowledge_refs: [{ knowledge_base_id: mine }, { knowledge_base_id: refused }] });
        expectProblem(answer, 404, 'KNOWLEDGE_BASE_NOT_FOUND');
        expect(fieldsOf(answer)).to.deep.equal(['body.knowledge_refs.1.knowledge_base_id']);
        expect(answer.body.detail).to.include(refused);
      }
      expect(await eventsOf(agent.id)).to.have.length(before);
    });

    it('refuses a top_k outside 1–20, the same base twice, and more than five refs, naming the field (400)', async () => {
      const agent = await createAgent();
      const faq = await kb('faq');
      const refused = [
        [{ knowledge_base_id: faq, top_k: 21 }],
        [{ knowledge_base_id: faq }, { knowledge_base_id: faq }],
        Array.from({ length: 6 }, (_, n) => ({ knowledge_base_id: `00000000-0000-4000-8000-00000000000${n}` })),
      ];
      for (const knowledge_refs of refused) {
        const answer = await call('POST', '/agents/versions', { agent_id: agent.id, knowledge_refs });
        expectProblem(answer, 400, 'VALIDATION_FAILED');
        expect(fieldsOf(answer)[0]).to.match(/^body\.knowledge_refs/);
      }
    });
  });
});
