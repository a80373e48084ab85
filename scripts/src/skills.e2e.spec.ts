import { expect } from 'chai';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from '@agent-platform/infra/testing';
import { describeOnPlatform, eventually, expectProblem, fieldsOf, freshWorkspace, minPosition, sessionBody, workspaceClient } from './testing/server.js';
import { startToolServer, type ToolServer } from './testing/toolServer.js';

let tool: ToolServer;
let model: ScriptedOpenAiServer;
before(async () => {
  [tool, model] = await Promise.all([startToolServer(), startScriptedOpenAiServer()]);
});
after(async () => Promise.all([tool.close(), model.close()]));

describeOnPlatform(
  'skills over HTTP',
  (server) => {
    const { call, ok } = workspaceClient(server);
    const unknown = '00000000-0000-4000-8000-000000000000';

    /** The seed's bodies, unchanged but for the ids; `prefix` is '' or '/gateway'. */
    const seedSkill = async (prefix = '') => {
      const skill = await ok('POST', `${prefix}/skills`, { code: 'hello_user', name: 'Hello User', skill_type: 'template' });
      const version = await ok('POST', `${prefix}/skills/versions`, {
        skill_id: skill.id,
        status: 'published',
        runtime_type: 'template',
        parameter_schema_json: { name: { type: 'string' } },
        implementation_json: { template: 'Hello $name' },
      });
      return { skill, version };
    };
    const skillWith = async (version: Record<string, unknown>) => {
      const skill = await ok('POST', '/skills', { code: `s_${Math.random().toString(36).slice(2, 10)}`, name: 'A skill', skill_type: String(version.runtime_type) });
      const created = await ok('POST', '/skills/versions', { skill_id: skill.id, status: 'published', ...version });
      return { skill, version: created };
    };
    const runOf = async (skillId: string, input_json: Record<string, unknown>) => {
      const run = await ok('POST', '/skills/runs', { skill_id: skillId, input_json });
      return (await call('POST', `/skills/runs/${run.id}/execute`, { worker_key: 'skill-worker-1' })).body;
    };

    for (const prefix of ['', '/gateway']) {
      it(`runs the seed's example to "Hello Lucas"${prefix ? ' under /gateway' : ''}`, async () => {
        const { skill, version } = await seedSkill(prefix);
        await ok('POST', `${prefix}/skills/installations`, { skill_id: skill.id, install_scope: 'workspace', scope_id: 't1', installed_by: 'user-1' });
        const run = await ok('POST', `${prefix}/skills/runs`, { skill_id: skill.id, input_json: { name: 'Lucas' } });
        const executed = await call('POST', `${prefix}/skills/runs/${run.id}/execute`, { worker_key: 'skill-worker-1' });
        expect(executed.status, JSON.stringify(executed.body)).to.equal(200);
        expect(executed.body).to.deep.include({
          id: run.id,
          skill_id: skill.id,
          skill_version_id: version.id,
          status: 'completed',
          output_text: 'Hello Lucas',
          output_json: { text: 'Hello Lucas' },
          worker_key: 'skill-worker-1',
          error: null,
        });
        const read = await call('GET', `${prefix}/skills/runs/${run.id}`, undefined, minPosition(executed.body.position));
        expect(read.body).to.deep.include({ status: 'completed', output_text: 'Hello Lucas', input_json: { name: 'Lucas' }, runtime_type: 'template', attempts: 1 });
        expect((await call('GET', `${prefix}/skills/${skill.id}`)).body).to.deep.include({ code: 'hello_user', skill_type: 'template', latest_published_version_id: version.id });
        expect((await call('GET', `${prefix}/skills/versions/${version.id}`)).body).to.deep.include({ status: 'published', runtime_type: 'template', implementation_json: { template: 'Hello $name' } });
        expect((await call('GET', `${prefix}/skills/runs?skill_id=${skill.id}`)).body.items.map((r: { id: string }) => r.id)).to.deep.equal([run.id]);
      });
    }

    it('answers an ended run again as it ended, running nothing twice', async () => {
      const { skill } = await seedSkill();
      const run = await ok('POST', '/skills/runs', { skill_id: skill.id, input_json: { name: 'Lucas' } });
      const first = await call('POST', `/skills/runs/${run.id}/execute`, { worker_key: 'w1' });
      const again = await call('POST', `/skills/runs/${run.id}/execute`, { worker_key: 'w2' });
      expect(again.status).to.equal(200);
      expect(again.body).to.deep.equal(first.body);
    });

    it('runs a run queued with auto_execute without being asked', async () => {
      const { skill } = await seedSkill();
      const run = await ok('POST', '/skills/runs', { skill_id: skill.id, input_json: { name: 'Ana' }, auto_execute: true });
      await eventually(async () => expect((await call('GET', `/skills/runs/${run.id}`)).body).to.deep.include({ status: 'completed', output_text: 'Hello Ana' }));
    });

    describe('installations', () => {
      it('installs a skill once per scope, uninstalls it once, and installs it again', async () => {
        const { skill } = await seedSkill();
        const body = { skill_id: skill.id, install_scope: 'agent', scope_id: 'agent-7', installed_by: 'user-1' };
        const installed = await ok('POST', '/skills/installations', body);
        expectProblem(await call('POST', '/skills/installations', body), 409, 'SKILL_ALREADY_INSTALLED');
        await ok('POST', '/skills/installations', { ...body, scope_id: 'agent-8' });
        const removed = await ok('POST', `/skills/installations/${installed.id}/uninstall`, { uninstalled_by: 'user-2' });
        expect((await call('GET', `/skills/installations/${installed.id}`, undefined, minPosition(removed.position))).body).to.deep.include({
          status: 'uninstalled',
          uninstalled_by: 'user-2',
          install_scope: 'agent',
          scope_id: 'agent-7',
        });
        expectProblem(await call('POST', `/skills/installations/${installed.id}/uninstall`, {}), 409, 'SKILL_NOT_INSTALLED');
        const again = await ok('POST', '/skills/installations', body);
        expect(again.id).to.equal(installed.id);
        const listed = await call('GET', `/skills/installations?skill_id=${skill.id}&status=installed`, undefined, minPosition(again.position));
        expect(listed.body.items.map((i: { scope_id: string }) => i.scope_id).sort()).to.deep.equal(['agent-7', 'agent-8']);
      });

      it('answers 404 for an unknown skill or installation, and for another workspace’s', async () => {
        const { skill } = await seedSkill();
        const installed = await ok('POST', '/skills/installations', { skill_id: skill.id, install_scope: 'workspace', scope_id: 't1', installed_by: 'u' });
        expectProblem(await call('POST', '/skills/installations', { skill_id: unknown, install_scope: 'workspace', scope_id: 't1', installed_by: 'u' }), 404, 'SKILL_NOT_FOUND');
        expectProblem(await call('POST', `/skills/installations/${unknown}/uninstall`, {}), 404, 'SKILL_INSTALLATION_NOT_FOUND');
        const other = { 'x-workspace-id': freshWorkspace() };
        const elsewhere = await server().request('POST', `/skills/installations/${installed.id}/uninstall`, { body: {}, headers: other });
        expectProblem(elsewhere, 404, 'SKILL_INSTALLATION_NOT_FOUND');
        expectProblem(await server().request('GET', `/skills/installations/${installed.id}`, { headers: other }), 404, 'SKILL_INSTALLATION_NOT_FOUND');
      });
    });

    describe('refusals', () => {
      it('refuses input that does not fit the parameter schema, naming the field, and queues nothing', async () => {
        const { skill } = await seedSkill();
        const wrong = await call('POST', '/skills/runs', { skill_id: skill.id, input_json: { name: 3 } });
        expectProblem(wrong, 400, 'VALIDATION_FAILED');
        expect(fieldsOf(wrong)).to.deep.equal(['body.input_json.name']);
        const missing = await call('POST', '/skills/runs', { skill_id: skill.id, input_json: {} });
        expect(fieldsOf(missing)).to.deep.equal(['body.input_json.name']);
        const position = (await ok('POST', '/skills/installations', { skill_id: skill.id, install_scope: 'user', scope_id: 'u', installed_by: 'u' })).position;
        expect((await call('GET', '/skills/runs', undefined, minPosition(position))).body.items).to.deep.equal([]);
      });

      it('checks input against a full JSON Schema too', async () => {
        const { skill } = await skillWith({
          runtime_type: 'template',
          parameter_schema_json: { type: 'object', properties: { n: { type: 'integer', minimum: 1 } }, required: ['n'], additionalProperties: false },
          implementation_json: { template: '#$n' },
        });
        expect(fieldsOf(await call('POST', '/skills/runs', { skill_id: skill.id, input_json: { n: 0 } }))).to.deep.equal(['body.input_json.n']);
        expect(await runOf(skill.id, { n: 7 })).to.include({ status: 'completed', output_text: '#7' });
      });

      /** A 400 naming `field`, with nothing appended: the skill has no version. */
      const expectVersionRefused = async (version: Record<string, unknown>, field: string) => {
        const skill = await ok('POST', '/skills', { code: 'refused', name: 'Refused', skill_type: 'template' });
        const answer = await call('POST', '/skills/versions', { skill_id: skill.id, ...version });
        expectProblem(answer, 400, 'VALIDATION_FAILED');
        expect(fieldsOf(answer)).to.deep.equal([field]);
        expect((await call('GET', `/skills/${skill.id}`, undefined, minPosition(skill.position))).body.version_count).to.equal(0);
      };
      it('refuses a template version without a template', () => expectVersionRefused({ runtime_type: 'template', implementation_json: {} }, 'body.implementation_json.template'));
      it('refuses an http version whose base_url is not http(s)', () =>
        expectVersionRefused({ runtime_type: 'http', implementation_json: { base_url: 'ftp://files.example' } }, 'body.implementation_json.base_url'));
      it('refuses a code version in a language the runner has not', () =>
        expectVersionRefused({ runtime_type: 'code', implementation_json: { language: 'ruby', code: 'puts 1' } }, 'body.implementation_json.language'));
      it('refuses an agent version without an agent', () => expectVersionRefused({ runtime_type: 'agent', implementation_json: {} }, 'body.implementation_json.agent_id'));
      it('refuses a parameter schema no input could be checked against', () =>
        expectVersionRefused({ parameter_schema_json: { name: 'string' }, implementation_json: { template: 'x' } }, 'body.parameter_schema_json'));
      it('refuses an output schema that is not a JSON Schema', () =>
        expectVersionRefused({ output_schema_json: { type: 'object', properties: { a: { type: 'nope' } } }, implementation_json: { template: 'x' } }, 'body.output_schema_json'));

      it('answers 404 for unknown and other workspaces’ skills, versions and runs', async () => {
        const { skill } = await seedSkill();
        const run = await ok('POST', '/skills/runs', { skill_id: skill.id, input_json: { name: 'Lucas' } });
        expectProblem(await call('POST', '/skills/runs', { skill_id: unknown, input_json: {} }), 404, 'SKILL_NOT_FOUND');
        expectProblem(await call('POST', '/skills/runs', { skill_id: skill.id, skill_version_id: unknown, input_json: { name: 'x' } }), 404, 'SKILL_VERSION_NOT_FOUND');
        expectProblem(await call('POST', `/skills/runs/${unknown}/execute`, {}), 404, 'SKILL_RUN_NOT_FOUND');
        expectProblem(await call('GET', `/skills/runs/${unknown}`), 404, 'SKILL_RUN_NOT_FOUND');
        const other = { 'x-workspace-id': freshWorkspace() };
        expectProblem(await server().request('POST', '/skills/runs', { body: { skill_id: skill.id, input_json: { name: 'x' } }, headers: other }), 404, 'SKILL_NOT_FOUND');
        expectProblem(await server().request('POST', `/skills/runs/${run.id}/execute`, { body: {}, headers: other }), 404, 'SKILL_RUN_NOT_FOUND');
        expectProblem(await server().request('POST', `/skills/runs/${run.id}/cancel`, { body: {}, headers: other }), 404, 'SKILL_RUN_NOT_FOUND');
        expectProblem(await server().request('GET', `/skills/runs/${run.id}`, { headers: other }), 404, 'SKILL_RUN_NOT_FOUND');
        expect((await call('GET', `/skills/runs/${run.id}`)).body.status).to.equal('queued');
      });

      it('answers 409 for a taken code, a skill with nothing published, an archived version and an ended run', async () => {
        const { skill, version } = await seedSkill();
        expectProblem(await call('POST', '/skills', { code: 'hello_user', name: 'Again', skill_type: 'template' }), 409, 'SKILL_CODE_TAKEN');
        const draft = await ok('POST', '/skills', { code: 'draft_only', name: 'Draft', skill_type: 'template' });
        await ok('POST', '/skills/versions', { skill_id: draft.id, implementation_json: { template: 'x' } });
        expectProblem(await call('POST', '/skills/runs', { skill_id: draft.id, input_json: {} }), 409, 'SKILL_NOT_PUBLISHED');
        const run = await ok('POST', '/skills/runs', { skill_id: skill.id, input_json: { name: 'Lucas' } });
        await call('POST', `/skills/runs/${run.id}/execute`, {});
        expectProblem(await call('POST', `/skills/runs/${run.id}/cancel`, {}), 409, 'SKILL_RUN_ENDED');
        await ok('POST', `/skills/${skill.id}/versions/${version.id}/archive`);
        expectProblem(await call('POST', '/skills/runs', { skill_id: skill.id, skill_version_id: version.id, input_json: { name: 'x' } }), 409, 'SKILL_VERSION_ARCHIVED');
        expectProblem(await call('POST', '/skills/runs', { skill_id: skill.id, input_json: { name: 'x' } }), 409, 'SKILL_NOT_PUBLISHED');
      });

      it('cancels a queued run; executing it then answers it cancelled', async () => {
        const { skill } = await seedSkill();
        const run = await ok('POST', '/skills/runs', { skill_id: skill.id, input_json: { name: 'Lucas' } });
        await ok('POST', `/skills/runs/${run.id}/cancel`, { reason: 'not needed' });
        const executed = await call('POST', `/skills/runs/${run.id}/execute`, {});
        expect(executed.body).to.include({ status: 'cancelled', output_text: null });
      });
    });

    it('queues a run once per Idempotency-Key', async () => {
      const { skill } = await seedSkill();
      const body = { skill_id: skill.id, input_json: { name: 'Lucas' } };
      const first = await call('POST', '/skills/runs', body, { 'idempotency-key': 'run-once' });
      const again = await call('POST', '/skills/runs', body, { 'idempotency-key': 'run-once' });
      expect(again.status).to.equal(201);
      expect(again.body.id).to.equal(first.body.id);
      expect(again.headers.get('idempotent-replayed')).to.equal('true');
      const listed = await call('GET', `/skills/runs?skill_id=${skill.id}`, undefined, minPosition(first.body.position));
      expect(listed.body.items).to.have.length(1);
    });

    describe('runtimes', () => {
      it('fails a template run whose input lacks a placeholder’s key, naming it', async () => {
        const { skill } = await skillWith({ runtime_type: 'template', implementation_json: { template: 'Hello ${name}' } });
        const run = await runOf(skill.id, {});
        expect(run).to.deep.include({ status: 'failed', output_json: null });
        expect(run.error.code).to.equal('SKILL_TEMPLATE_KEY_MISSING');
        expect(run.error.message).to.contain('"name"');
      });

      it('fails a run whose output its output schema refuses', async () => {
        const { skill } = await skillWith({ runtime_type: 'template', output_schema_json: { text: { type: 'integer' } }, implementation_json: { template: 'Hello' } });
        expect((await runOf(skill.id, {})).error.code).to.equal('SKILL_OUTPUT_INVALID');
      });

      it('calls an http skill through the tool invoker once, with the run’s idempotency key, and keeps its answer', async () => {
        const { skill } = await skillWith({
          runtime_type: 'http',
          parameter_schema_json: { order_id: { type: 'string' } },
          output_schema_json: { status: { type: 'string' } },
          implementation_json: { method: 'POST', base_url: tool.url, path: '/orders/lookup' },
        });
        const before = tool.calls.length;
        const run = await ok('POST', '/skills/runs', { skill_id: skill.id, input_json: { order_id: 'A-1' } });
        const executed = (await call('POST', `/skills/runs/${run.id}/execute`, {})).body;
        expect(executed).to.deep.include({ status: 'completed', output_json: { order_id: 'A-1', status: 'shipped' }, calls: 1 });
        await call('POST', `/skills/runs/${run.id}/execute`, {});
        const made = tool.calls.slice(before);
        expect(made).to.have.length(1);
        expect(made[0]).to.deep.include({ method: 'POST', path: '/orders/lookup', body: { order_id: 'A-1' } });
        expect(made[0]!.headers['idempotency-key']).to.equal(`${run.id}:call`);
      });

      it('refuses an http skill’s call to a cloud metadata address, as a tool’s', async () => {
        const { skill } = await skillWith({ runtime_type: 'http', implementation_json: { method: 'GET', base_url: 'http://169.254.169.254/latest/meta-data' } });
        expect((await runOf(skill.id, {})).error.code).to.equal('TOOL_ADDRESS_FORBIDDEN');
      });

      it('delegates an agent skill’s run to a run of the agent, and answers with its answer once it ends', async () => {
        const agent = await ok('POST', '/agents', { code: 'greeter', name: 'Greeter' });
        await ok('POST', '/agents/versions', { agent_id: agent.id, status: 'published', system_prompt: 'Greet people.' });
        const { skill } = await skillWith({ runtime_type: 'agent', parameter_schema_json: { name: { type: 'string' } }, implementation_json: { agent_id: agent.id, input_template: 'Say hello to $name' } });
        const run = await ok('POST', '/skills/runs', { skill_id: skill.id, input_json: { name: 'Lucas' } });
        const executed = await call('POST', `/skills/runs/${run.id}/execute`, { worker_key: 'skill-worker-1' });
        expect(executed.status, JSON.stringify(executed.body)).to.equal(200);
        expect(executed.body.status).to.equal('completed');
        const agentRun = await call('GET', `/agents/runs/${executed.body.agent_run_id}`, undefined, minPosition(executed.body.position));
        expect(agentRun.body).to.deep.include({ status: 'completed', input_text: 'Say hello to Lucas', agent_id: agent.id });
        expect(executed.body.output_text).to.be.a('string').and.equal(agentRun.body.output_text);
        expect(executed.body.output_json).to.deep.equal({ answer: agentRun.body.output_text });
      });

      it('refuses an agent skill whose agent is another workspace’s (404 naming it), and appends nothing', async () => {
        const theirs = await server().request('POST', '/agents', { body: { code: 'theirs', name: 'Theirs' }, headers: { 'x-workspace-id': freshWorkspace() } });
        const skill = await ok('POST', '/skills', { code: 'borrowed', name: 'Borrowed', skill_type: 'agent' });
        const answer = await call('POST', '/skills/versions', { skill_id: skill.id, runtime_type: 'agent', implementation_json: { agent_id: theirs.body.id } });
        expectProblem(answer, 404, 'AGENT_NOT_FOUND');
        expect(fieldsOf(answer)).to.deep.equal(['body.implementation_json.agent_id']);
        expect((await call('GET', `/skills/${skill.id}`, undefined, minPosition(skill.position))).body.version_count).to.equal(0);
      });

      it('runs a code skill’s program in the sandbox: its result is the output, what it printed the text', async () => {
        const { skill } = await skillWith({
          runtime_type: 'code',
          parameter_schema_json: { n: { type: 'integer' } },
          implementation_json: { language: 'python', code: "import os\nprint('doubling')\nresult = {'n': input_json['n'] * 2, 'platform_env_seen': any(k.startswith('AGENT_PLATFORM_') for k in os.environ)}" },
        });
        const run = await runOf(skill.id, { n: 21 });
        expect(run, JSON.stringify(run.error)).to.deep.include({ status: 'completed', output_json: { n: 42, platform_env_seen: false } });
        expect(run.output_text).to.equal('doubling\n');
      });

      it('fails a code skill’s run whose program fails, with its stderr', async () => {
        const { skill } = await skillWith({ runtime_type: 'code', implementation_json: { language: 'javascript', code: "throw new Error('no luck')" } });
        const run = await runOf(skill.id, {});
        expect(run.error.code).to.equal('SKILL_CODE_FAILED');
        expect(run.error.message).to.contain('no luck');
      });
    });
  },
  { env: () => ({ AGENT_PLATFORM_TOOL_ALLOWED_HOSTS: tool.host }) },
);

describeOnPlatform(
  'agents using their skills',
  (server) => {
    const { call, ok } = workspaceClient(server);
    type Message = { role: string; content: string | null };

    it("runs an agent's selected skills as skill runs before its model call, and puts their results into the prompt", async () => {
      const skill = await ok('POST', '/skills', { code: 'summarize', name: 'Summarize', skill_type: 'template' });
      await ok('POST', '/skills/versions', {
        skill_id: skill.id,
        status: 'published',
        runtime_type: 'template',
        parameter_schema_json: { input_text: { type: 'string' } },
        implementation_json: { template: 'Summary: $input_text' },
      });
      const agent = await ok('POST', '/agents', { code: 'helper', name: 'Helper' });
      await ok('POST', '/agents/versions', {
        agent_id: agent.id,
        status: 'published',
        system_prompt: 'Help.',
        skill_refs: [{ skill_code: 'summarize' }, { skill_code: 'missing_skill' }, { skill_code: 'summarize', config_json: { auto_invoke: false } }],
      });
      const session = await ok('POST', '/sessions', sessionBody());
      const run = await ok('POST', '/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: 'Order A-1 is late', auto_execute: false });
      model.requests.length = 0;
      const executed = await call('POST', `/agents/runs/${run.id}/execute`, { worker_key: 'agent-worker-1' });
      expect(executed.body.status, JSON.stringify(executed.body)).to.equal('completed');

      const chats = model.requests.filter((r) => r.path.endsWith('/chat/completions'));
      expect(chats).to.have.length(1);
      const results = (chats[0]!.body as { messages: Message[] }).messages.find((m) => m.role === 'system' && m.content?.startsWith('Results of the skills'));
      expect(results?.content).to.contain('- skill:summarize: {"text":"Summary: Order A-1 is late"}');
      expect(results?.content).to.contain('- skill:missing_skill: Error SKILL_NOT_FOUND');

      const invocations = await call('GET', `/agents/runs/${run.id}/tool-invocations`, undefined, minPosition(executed.body.position));
      expect(invocations.body.items.map((i: { tool_code: string; status: string }) => [i.tool_code, i.status])).to.deep.equal([
        ['skill:summarize', 'completed'],
        ['skill:missing_skill', 'failed'],
      ]);
      const skillRuns = await call('GET', `/skills/runs?skill_id=${skill.id}`, undefined, minPosition(executed.body.position));
      expect(skillRuns.body.items.map((r: { status: string; input_json: unknown }) => [r.status, r.input_json])).to.deep.equal([['completed', { input_text: 'Order A-1 is late' }]]);
    });
  },
  { env: () => ({ AGENT_PLATFORM_PROVIDER_BASE_URL: model.baseURL, AGENT_PLATFORM_PROVIDER_API_KEY: 'test-key' }) },
);
