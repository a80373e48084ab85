import { expect } from 'chai';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from '@agent-platform/infra/testing';
import { describeOnPlatform, eventually, fieldsOf, minPosition, sessionBody, wholeLog, workspaceClient } from './testing/server.js';
import { startToolServer, type ToolServer } from './testing/toolServer.js';

const ORDER_SCHEMA = { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] };

/**
 * The agent runtime end to end: runs executed by the processors, against a model behind the official
 * `openai` client (a scripted OpenAI-compatible server this test starts) and an HTTP tool this test
 * serves on loopback, allowed by AGENT_PLATFORM_TOOL_ALLOWED_HOSTS.
 */
let model: ScriptedOpenAiServer;
let tool: ToolServer;
before(async () => {
  [model, tool] = await Promise.all([startScriptedOpenAiServer(), startToolServer()]);
});
after(async () => Promise.all([model?.close(), tool?.close()]));

describeOnPlatform(
  'agent runtime: ReAct runs with tools, through the openai client',
  (server) => {
    const { call, ok } = workspaceClient(server, [200, 201, 202]);
    beforeEach(() => {
      tool.calls.length = 0;
      model.requests.length = 0;
    });

    const lookupTool = async (baseUrl = tool.url) => {
      const created = await ok('POST', '/tools', { code: 'lookup_order', name: 'Look up an order', tool_type: 'http', description: 'Finds an order by id' });
      await ok('POST', '/tools/versions', {
        tool_id: created.id,
        status: 'published',
        input_schema_json: ORDER_SCHEMA,
        invoke_config_json: { method: 'POST', base_url: baseUrl, path: '/orders/lookup', timeout_ms: 5000 },
      });
      return created.id as string;
    };
    const agentWith = async (version: Record<string, unknown>) => {
      const agent = await ok('POST', '/agents', { code: 'support_agent', name: 'Support', agent_type: 'assistant' });
      await ok('POST', '/agents/versions', { agent_id: agent.id, status: 'published', system_prompt: 'You help with orders.', ...version });
      return agent.id as string;
    };
    const runOf = async (agentId: string, input: string, extra: Record<string, unknown> = {}) => {
      const session = await ok('POST', '/sessions', sessionBody());
      const run = await ok('POST', '/agents/runs', { agent_id: agentId, session_id: session.id, input_text: input, ...extra });
      return { sessionId: session.id as string, runId: run.id as string, position: run.position as number };
    };
    const execute = async (runId: string, body: Record<string, unknown> = {}) => {
      const answer = await call('POST', `/agents/runs/${runId}/execute`, { worker_key: 'test-worker', ...body });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      return answer.body;
    };
    const invocationsOf = async (runId: string, position: number) => {
      const answer = await call('GET', `/agents/runs/${runId}/tool-invocations`, undefined, minPosition(position));
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      return answer.body.items;
    };
    const chatRequests = () => model.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as { messages: { role: string; content: string | null; tool_call_id?: string }[]; tools?: unknown[] });

    it('runs a tool call then a finish with native tool calling, and records invocation, answer and usage', async () => {
      await lookupTool();
      const agentId = await agentWith({ model_config: { model: 'gpt-test', react_enabled: true, react_max_steps: 5 }, tool_refs: [{ tool_code: 'lookup_order' }] });
      model.enqueue(
        {
          message: { content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"order_id":"123"}' } }] },
          usage: { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 },
        },
        { message: { content: 'Order 123 has shipped.' }, usage: { prompt_tokens: 80, completion_tokens: 12, total_tokens: 92 } },
      );
      const { runId, sessionId } = await runOf(agentId, 'Where is order 123?');
      const outcome = await execute(runId);
      expect(outcome).to.deep.include({ status: 'completed', output_text: 'Order 123 has shipped.', prompt_tokens: 130, completion_tokens: 22, steps: 2 });

      expect(tool.calls).to.have.length(1);
      expect(tool.calls[0]).to.deep.include({ method: 'POST', path: '/orders/lookup', body: { order_id: '123' } });
      expect(tool.calls[0]!.headers['idempotency-key']).to.equal(`${runId}:1:0`);

      const [first, second] = chatRequests();
      expect(first!.tools).to.have.length(1);
      expect(second!.messages.at(-1)).to.deep.include({ role: 'tool', tool_call_id: 'call_1', content: '{"order_id":"123","status":"shipped"}' });

      const [invocation, ...others] = await invocationsOf(runId, outcome.position);
      expect(others).to.deep.equal([]);
      expect(invocation).to.deep.include({
        step: 1,
        tool_code: 'lookup_order',
        status: 'completed',
        input_json: { order_id: '123' },
        output_json: { order_id: '123', status: 'shipped' },
        error: null,
        idempotency_key: `${runId}:1:0`,
        attempts: 1,
      });
      expect(Date.parse(invocation.finished_time)).to.be.at.least(Date.parse(invocation.started_time));

      // The answer joins the session by a reaction to the run's end.
      await eventually(async () => {
        const messages = await call('GET', `/sessions/${sessionId}/messages`);
        expect(messages.body.items.map((m: { role: string; content_text: string }) => [m.role, m.content_text])).to.deep.equal([['assistant', 'Order 123 has shipped.']]);
      });
      const run = await call('GET', `/agents/runs/${runId}`, undefined, minPosition(outcome.position));
      expect(run.body).to.deep.include({ status: 'completed', prompt_tokens: 130, completion_tokens: 22, steps: 2, output_text: 'Order 123 has shipped.' });
    });

    it('runs JSON actions, and feeds a malformed action back to the model as an error', async () => {
      await lookupTool();
      const agentId = await agentWith({ model_config: { react_enabled: true, react_max_steps: 4 }, tool_refs: [{ tool_code: 'lookup_order' }] });
      model.enqueue(
        { message: { content: 'Let me check: {"action": "tool", "tool_code": ' } },
        { message: { content: '{"action":"tool","tool_code":"lookup_order","input_json":{"order_id":"7"}}' } },
        { message: { content: '{"action":"finish","answer":"Order 7 has shipped."}' } },
      );
      const { runId } = await runOf(agentId, 'Where is order 7?');
      const outcome = await execute(runId);
      expect(outcome).to.deep.include({ status: 'completed', output_text: 'Order 7 has shipped.', steps: 3 });
      const requests = chatRequests();
      expect(requests[1]!.messages.at(-1)!.content).to.match(/^Error: the action is not valid JSON/);
      expect(requests[2]!.messages.at(-1)).to.deep.include({ role: 'user', content: 'Observation: {"order_id":"7","status":"shipped"}' });
      expect(tool.calls.map((c) => c.body)).to.deep.equal([{ order_id: '7' }]);
    });

    it('goes on with JSON actions when the model refuses native tool calling (400 to `tools`)', async () => {
      await lookupTool();
      const agentId = await agentWith({ model_config: { react_enabled: true }, tool_refs: [{ tool_code: 'lookup_order' }] });
      model.enqueue(
        { status: 400, body: { error: { message: 'this model does not support tools', type: 'invalid_request_error', code: null } } },
        { message: { content: '{"action":"tool","tool_code":"lookup_order","input_json":{"order_id":"5"}}' } },
        { message: { content: '{"action":"finish","answer":"Order 5 has shipped."}' } },
      );
      const { runId } = await runOf(agentId, 'Where is order 5?');
      const outcome = await execute(runId);
      expect(outcome).to.deep.include({ status: 'completed', output_text: 'Order 5 has shipped.', steps: 2 });
      expect(chatRequests().map((r) => Boolean(r.tools))).to.deep.equal([true, false, false]);
      expect(chatRequests()[0]!.messages[0]!.content).to.include('{"action":"tool","tool_code":"<code>","input_json":{...}}');
    });

    it('sends a tool its credential from a secret reference, which no event, read model or answer holds in clear', async () => {
      const created = await ok('POST', '/tools', { code: 'lookup_order', name: 'Look up an order', tool_type: 'http' });
      const literal = await call('POST', '/tools/versions', {
        tool_id: created.id,
        invoke_config_json: { base_url: tool.url, path: '/orders/lookup', headers: { Authorization: 'Bearer s3cr3t-value' } },
      });
      expect(literal.status).to.equal(400);
      expect(fieldsOf(literal)).to.deep.equal(['body.invoke_config_json.headers.Authorization']);
      const version = await ok('POST', '/tools/versions', {
        tool_id: created.id,
        status: 'published',
        input_schema_json: ORDER_SCHEMA,
        invoke_config_json: { base_url: tool.url, path: '/orders/lookup', headers: { Authorization: 'Bearer ${secret:CRM_TOKEN}' } },
      });
      const agentId = await agentWith({ model_config: { react_enabled: true }, tool_refs: [{ tool_code: 'lookup_order' }] });
      model.enqueue(
        { message: { content: '{"action":"tool","tool_code":"lookup_order","input_json":{"order_id":"8"}}' } },
        { message: { content: '{"action":"finish","answer":"Shipped."}' } },
      );
      const { runId } = await runOf(agentId, 'Where is order 8?');
      const outcome = await execute(runId);
      expect(outcome).to.deep.include({ status: 'completed' });
      expect(tool.calls[0]!.headers.authorization).to.equal('Bearer s3cr3t-value');
      const everything = JSON.stringify([
        await wholeLog((path) => call('GET', path)),
        await call('GET', `/tools/versions/${version.id}`, undefined, minPosition(outcome.position)),
        await call('GET', `/agents/runs/${runId}/tool-invocations`, undefined, minPosition(outcome.position)),
      ]);
      expect(everything).to.include('${secret:CRM_TOKEN}');
      expect(everything).not.to.include('s3cr3t-value');
    });

    /** A published tool `lookup_order` at `path` of the test's tool server, sending `headers`; an agent with it; one run calling it once. */
    const runCallingTool = async (path: string, headers: Record<string, string>) => {
      const created = await ok('POST', '/tools', { code: 'lookup_order', name: 'Look up an order', tool_type: 'http' });
      await ok('POST', '/tools/versions', { tool_id: created.id, status: 'published', invoke_config_json: { base_url: tool.url, path, headers } });
      const agentId = await agentWith({ model_config: { react_enabled: true }, tool_refs: [{ tool_code: 'lookup_order' }] });
      model.enqueue(
        { message: { content: '{"action":"tool","tool_code":"lookup_order","input_json":{"order_id":"8"}}' } },
        { message: { content: '{"action":"finish","answer":"Done."}' } },
      );
      const { runId, sessionId } = await runOf(agentId, 'Where is order 8?');
      const outcome = await execute(runId);
      expect(outcome).to.deep.include({ status: 'completed', output_text: 'Done.' });
      const [invocation] = await invocationsOf(runId, outcome.position);
      const messages = await eventually(async () => {
        const answer = await call('GET', `/sessions/${sessionId}/messages`);
        expect(answer.body.items).to.have.length(1);
        return answer;
      });
      /** Every event, the run's invocations, the session's messages and what the model was sent. */
      const events = JSON.stringify(await wholeLog((path) => call('GET', path)));
      return { invocation, events, everything: JSON.stringify([events, invocation, messages.body, chatRequests()]) };
    };

    it("fails workspace B's tool that uses the secret bound to workspace A, sends nothing, and no event holds the secret", async () => {
      const { invocation, everything } = await runCallingTool('/echo', { Authorization: 'Bearer ${secret:OWNER_TOKEN}' });
      expect(invocation).to.deep.include({ status: 'failed' });
      expect(invocation.error.code).to.equal('TOOL_SECRET_NOT_ALLOWED');
      expect(invocation.error.message).to.include('OWNER_TOKEN').and.not.include('ws-owner-a');
      expect(tool.calls).to.deep.equal([]);
      expect(everything).not.to.include('owner-only-s3cr3t');
    });

    it('fails a tool that would send a secret to a host the secret is not bound to, and sends nothing', async () => {
      const { invocation, everything } = await runCallingTool('/echo', { 'x-crm-key': '${secret:ELSEWHERE_TOKEN}' });
      expect(invocation.error.code).to.equal('TOOL_SECRET_NOT_ALLOWED');
      expect(invocation.error.message).to.include('127.0.0.1');
      expect(tool.calls).to.deep.equal([]);
      expect(everything).not.to.include('elsewhere-s3cr3t');
    });

    it("records an echoing host's response with the secret redacted: in the invocation, the model's messages, the session and every event", async () => {
      const { invocation, events, everything } = await runCallingTool('/echo', { Authorization: 'Bearer ${secret:CRM_TOKEN}' });
      expect(events, 'the events hold the echo').to.include('Bearer [REDACTED:CRM_TOKEN]');
      expect(tool.calls[0]!.headers.authorization).to.equal('Bearer s3cr3t-value');
      expect(invocation).to.deep.include({ status: 'completed' });
      expect(invocation.output_json.headers.authorization).to.equal('Bearer [REDACTED:CRM_TOKEN]');
      expect(chatRequests()[1]!.messages.at(-1)!.content).to.include('[REDACTED:CRM_TOKEN]');
      expect(everything).not.to.include('s3cr3t-value');
    });

    it("records an echoing host's error with the secret redacted, also where the error excerpt's cut splits it", async () => {
      const { invocation, everything } = await runCallingTool('/echo-fail', { Authorization: 'Bearer ${secret:CRM_TOKEN}' });
      expect(invocation.error.code).to.equal('TOOL_HTTP_ERROR');
      expect(invocation.error.message).to.match(/"Bearer \[REDACTED:CRM_TOKEN\]…$/);
      expect(everything).not.to.include('s3cr3');
    });

    it('fails a tool call whose answer PostgreSQL could not store (a NUL, nesting 5,000 deep), telling the model, and the run goes on', async () => {
      const { invocation } = await runCallingTool('/unstorable', {});
      expect(invocation).to.deep.include({ status: 'failed' });
      expect(invocation.error.code).to.equal('TOOL_OUTPUT_UNSTORABLE');
      expect(invocation.error.message).to.include('note').and.include('NUL');
      expect(chatRequests()[1]!.messages.at(-1)!.content).to.match(/^Observation: Error TOOL_OUTPUT_UNSTORABLE: /);
    });

    it('records a model answer holding a NUL and a lone surrogate with each made U+FFFD: the run completes instead of stalling', async () => {
      const agentId = await agentWith({ model_config: { react_enabled: true } });
      model.enqueue({ message: { content: 'Order 3\u0000 has \ud800shipped.' } });
      const { runId } = await runOf(agentId, 'Where is order 3?');
      expect(await execute(runId)).to.deep.include({ status: 'completed', output_text: 'Order 3\ufffd has \ufffdshipped.' });
    });

    it("tells the model when its tool input does not fit the tool's input schema, and does not call the tool with it", async () => {
      await lookupTool();
      const agentId = await agentWith({ model_config: { react_enabled: true }, tool_refs: [{ tool_code: 'lookup_order' }] });
      model.enqueue(
        { message: { content: '{"action":"tool","tool_code":"lookup_order","input_json":{"id":3}}' } },
        { message: { content: '{"action":"tool","tool_code":"lookup_order","input_json":{"order_id":"3"}}' } },
        { message: { content: '{"action":"finish","answer":"Order 3 has shipped."}' } },
      );
      const { runId } = await runOf(agentId, 'Where is order 3?');
      const outcome = await execute(runId);
      expect(outcome).to.deep.include({ status: 'completed', output_text: 'Order 3 has shipped.', steps: 3 });
      expect(chatRequests()[1]!.messages.at(-1)!.content).to.equal(
        "Observation: Error TOOL_INPUT_INVALID: input_json must have required property 'order_id' (the input schema of lookup_order)",
      );
      expect(tool.calls.map((c) => c.body)).to.deep.equal([{ order_id: '3' }]);
      const invocations = await invocationsOf(runId, outcome.position);
      expect(invocations.map((i: { status: string; step: number }) => [i.step, i.status])).to.deep.equal([
        [1, 'failed'],
        [2, 'completed'],
      ]);
    });

    it('refuses a tool on a link-local (metadata) address: a failed invocation the model is told about', async () => {
      await lookupTool('http://169.254.169.254/latest');
      const agentId = await agentWith({ model_config: { react_enabled: true }, tool_refs: [{ tool_code: 'lookup_order' }] });
      model.enqueue(
        { message: { content: '{"action":"tool","tool_code":"lookup_order","input_json":{"order_id":"1"}}' } },
        { message: { content: '{"action":"finish","answer":"I could not reach the order service."}' } },
      );
      const { runId } = await runOf(agentId, 'Where is order 1?');
      const outcome = await execute(runId);
      expect(outcome).to.deep.include({ status: 'completed', output_text: 'I could not reach the order service.' });
      expect(chatRequests()[1]!.messages.at(-1)!.content).to.match(/^Observation: Error TOOL_ADDRESS_FORBIDDEN: .*AGENT_PLATFORM_TOOL_ALLOWED_HOSTS/);
      const [invocation] = await invocationsOf(runId, outcome.position);
      expect(invocation).to.deep.include({ status: 'failed', tool_code: 'lookup_order' });
      expect(invocation.error.code).to.equal('TOOL_ADDRESS_FORBIDDEN');
    });

    it('calls the selected tools before the model call when ReAct is off, as the seed does', async () => {
      await lookupTool();
      const agentId = await agentWith({ tool_refs: [{ tool_code: 'lookup_order', selection_keywords: ['order'] }] });
      model.enqueue({ message: { content: 'It has shipped.' } });
      const { runId } = await runOf(agentId, 'Any news on my order?');
      const outcome = await execute(runId);
      expect(outcome).to.deep.include({ status: 'completed', output_text: 'It has shipped.', steps: 1 });
      expect(tool.calls.map((c) => c.body)).to.deep.equal([{ input_text: 'Any news on my order?' }]);
      const [request] = chatRequests();
      expect(request!.tools).to.equal(undefined);
      expect(request!.messages.map((m) => m.content).join('\n')).to.include('- lookup_order: {"order_id":null,"status":"shipped"}');
      expect(outcome.selected_tool_refs.map((r: { tool_code: string; selected_by: string }) => [r.tool_code, r.selected_by])).to.deep.equal([['lookup_order', 'keyword']]);
    });

    it('fails a run whose model keeps acting past react_max_steps', async () => {
      await lookupTool();
      const agentId = await agentWith({ model_config: { react_enabled: true, react_max_steps: 2 }, tool_refs: [{ tool_code: 'lookup_order' }] });
      const again = { message: { content: '{"action":"tool","tool_code":"lookup_order","input_json":{"order_id":"9"}}' } };
      model.enqueue(again, again);
      const { runId } = await runOf(agentId, 'Loop forever');
      const outcome = await execute(runId);
      expect(outcome).to.deep.include({ status: 'failed', steps: 2 });
      expect(outcome.error.code).to.equal('REACT_MAX_STEPS');
    });

    it('dry-runs: returns the selected tools and skills and calls nothing', async () => {
      const toolId = await lookupTool();
      const agentId = await agentWith({
        tool_refs: [{ tool_code: 'lookup_order', required: true }, { tool_id: toolId, selection_keywords: ['refund'] }],
        skill_refs: [{ skill_code: 'summarize' }, { skill_code: 'translate', config_json: { auto_invoke: false } }],
      });
      const { runId } = await runOf(agentId, 'Summarize this lead.', { auto_execute: false });
      const outcome = await execute(runId, { dry_run: true });
      expect(outcome).to.deep.include({ status: 'completed', dry_run: true, steps: 0 });
      expect(outcome.selected_tool_refs.map((r: { tool_code: string; selected_by: string }) => [r.tool_code, r.selected_by])).to.deep.equal([['lookup_order', 'required']]);
      expect(outcome.selected_skill_refs).to.deep.equal([{ skill_id: null, skill_code: 'summarize', skill_version_id: null, selected_by: 'default', requires_approval: false }]);
      expect(tool.calls).to.deep.equal([]);
      expect(chatRequests()).to.deep.equal([]);
      const invocations = await invocationsOf(runId, outcome.position);
      expect(invocations.map((i: { tool_code: string; status: string }) => [i.tool_code, i.status])).to.deep.equal([['lookup_order', 'selected']]);
    });

    it('executes the oldest manual run through the worker claim API, then has none left', async () => {
      const agentId = await agentWith({});
      const first = await runOf(agentId, 'first', { auto_execute: false });
      const second = await runOf(agentId, 'second', { auto_execute: false });
      // The claim API finds runs in the runs read model: let it catch up with the second run first.
      const listed = await call('GET', '/agents/runs?status=queued', undefined, minPosition(second.position));
      expect(listed.body.items.map((r: { id: string }) => r.id)).to.deep.equal([second.runId, first.runId]);
      const claim = () => call('POST', '/agents/workers/execute-next', { worker_key: 'agent-worker-1', lease_seconds: 300, dry_run: true });
      const a = await claim();
      expect(a.status, JSON.stringify(a.body)).to.equal(200);
      expect(a.body).to.deep.include({ id: first.runId, status: 'completed', worker_key: 'agent-worker-1', dry_run: true });
      const b = await claim();
      expect(b.status, JSON.stringify(b.body)).to.equal(200);
      expect(b.body).to.deep.include({ id: second.runId, status: 'completed' });
      await call('GET', '/agents/runs', undefined, minPosition(b.body.position));
      const none = await claim();
      expect(none.status, JSON.stringify(none.body)).to.equal(204);
    });

    it('answers 202 at once with "wait": false while the run goes on', async () => {
      const agentId = await agentWith({});
      model.enqueue({ hang: true });
      const { runId } = await runOf(agentId, 'slow one', { auto_execute: false });
      const answer = await call('POST', `/agents/runs/${runId}/execute`, { worker_key: 'w', wait: false });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
      expect(answer.body).to.deep.include({ id: runId, status: 'running', worker_key: 'w' });
      await call('POST', `/agents/runs/${runId}/cancel`, {});
    });

    it('runs a queued automatic run without being asked, with the local model when the script is used up', async () => {
      const agentId = await agentWith({});
      const { runId } = await runOf(agentId, 'Hello there');
      for (let i = 0; i < 200; i++) {
        const read = await call('GET', `/agents/runs/${runId}`);
        if (read.body.status === 'completed') {
          expect(read.body.output_text).to.equal('You said: Hello there');
          return;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      expect.fail('the run was not executed');
    });
  },
  {
    env: () => ({
      AGENT_PLATFORM_PROVIDER_BASE_URL: model.baseURL,
      AGENT_PLATFORM_PROVIDER_API_KEY: 'test-key',
      AGENT_PLATFORM_TOOL_ALLOWED_HOSTS: tool.host,
      AGENT_PLATFORM_SECRET_CRM_TOKEN: 's3cr3t-value',
      AGENT_PLATFORM_SECRET_CRM_TOKEN_HOSTS: '127.0.0.1',
      AGENT_PLATFORM_SECRET_CRM_TOKEN_WORKSPACES: '*',
      // Bound to a workspace no test writes in.
      AGENT_PLATFORM_SECRET_OWNER_TOKEN: 'owner-only-s3cr3t',
      AGENT_PLATFORM_SECRET_OWNER_TOKEN_HOSTS: '127.0.0.1',
      AGENT_PLATFORM_SECRET_OWNER_TOKEN_WORKSPACES: 'ws-owner-a',
      // Bound to a host no test serves.
      AGENT_PLATFORM_SECRET_ELSEWHERE_TOKEN: 'elsewhere-s3cr3t',
      AGENT_PLATFORM_SECRET_ELSEWHERE_TOKEN_HOSTS: 'crm.example',
      AGENT_PLATFORM_SECRET_ELSEWHERE_TOKEN_WORKSPACES: '*',
    }),
  },
);
