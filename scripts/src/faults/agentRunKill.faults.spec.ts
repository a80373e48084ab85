import { expect } from 'chai';
import { createKnex, type Knex } from '@agent-platform/infra';
import { describeOnEachPostgres, startScriptedOpenAiServer, type ScriptedOpenAiServer } from '@agent-platform/infra/testing';
import { send, sessionBody, startServer, type TestServer } from '../testing/server.js';
import { startToolServer, type ToolServer } from '../testing/toolServer.js';
import { spawnTs, ENTRY_POINT, waitUntil, type Child } from './children.js';
import { cleanups } from './fixtures.js';

const LEASE_MS = 1_500;

/**
 * The process running an agent run is killed with SIGKILL after the run's tool call completed, while its
 * next model call is in flight. Another process resumes the run once the lease runs out: it replays the
 * recorded model answer and tool output from the run's journal, so the tool is not called again, and the
 * run completes with the answer of the model call that was interrupted, made again.
 */
describeOnEachPostgres('fault: the process running an agent run is killed after a completed tool call', ({ db }) => {
  const after = cleanups();
  let model: ScriptedOpenAiServer;
  let tool: ToolServer;
  let knex: Knex;
  afterEach(async function () {
    this.timeout(60_000);
    await after.run();
  });

  it('another process resumes the run from its journal and completes it; the tool is called once', async function () {
    this.timeout(90_000);
    [model, tool] = await Promise.all([startScriptedOpenAiServer(), startToolServer()]);
    after.add(() => model.close());
    after.add(() => tool.close());
    knex = createKnex(db().url);
    after.add(() => knex.destroy());
    const env = {
      AGENT_PLATFORM_DATABASE_URL: db().url,
      AGENT_PLATFORM_PROVIDER_BASE_URL: model.baseURL,
      AGENT_PLATFORM_PROVIDER_API_KEY: 'test-key',
      AGENT_PLATFORM_TOOL_ALLOWED_HOSTS: tool.host,
      AGENT_PLATFORM_AGENT_RUN_LEASE_MS: String(LEASE_MS),
      AGENT_PLATFORM_PORT: '0',
      AGENT_PLATFORM_HOST: '127.0.0.1',
    };

    // The first platform runs in a child process, so that it can be killed.
    const first: Child = spawnTs('platform 1', ENTRY_POINT, [], env);
    after.add(() => first.kill());
    await first.waitForOutput(/listening on http/);
    const url = first.logLines().find((line) => typeof line.url === 'string')!.url as string;
    const ok = async (path: string, body: unknown) => {
      const answer = await send(url, 'POST', path, { body });
      expect(answer.status, JSON.stringify(answer.body)).to.be.oneOf([201, 202]);
      return answer.body as { id: string };
    };
    const created = await ok('/tools', { code: 'lookup_order', name: 'Look up an order', tool_type: 'http' });
    await ok('/tools/versions', {
      tool_id: created.id,
      status: 'published',
      input_schema_json: { type: 'object', properties: { order_id: { type: 'string' } } },
      invoke_config_json: { base_url: tool.url, path: '/orders/lookup' },
    });
    const agent = await ok('/agents', { code: 'support_agent', name: 'Support' });
    await ok('/agents/versions', { agent_id: agent.id, status: 'published', model_config: { react_enabled: true }, tool_refs: [{ tool_code: 'lookup_order' }] });
    const session = await ok('/sessions', sessionBody());

    model.enqueue(
      { message: { content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"order_id":"42"}' } }] } },
      { hang: true }, // the second model call never answers: the process dies waiting for it
      { message: { content: 'Order 42 has shipped.' } },
    );
    const run = await ok('/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: 'Where is order 42?' });
    const journal = () => knex('ap_events').where({ stream_id: `agentrun-${run.id}` }).orderBy('stream_version').select<{ type: string; data: Record<string, unknown> }[]>('type', 'data');
    const chatCalls = () => model.requests.filter((r) => r.path === '/v1/chat/completions').length;
    await waitUntil(
      () => `the tool call completed and the second model call started (journal: ${first.output()})`,
      async () => (await journal()).some((e) => e.type === 'ToolInvocationCompleted') && chatCalls() === 2,
    );
    await first.kill();
    expect(tool.calls).to.have.length(1);

    // A second platform, in this process, resumes the run once the dead process's lease ran out.
    const second: TestServer = await startServer(env);
    after.add(() => second.stop());
    await waitUntil('the resumed run completed', async () => (await journal()).some((e) => e.type === 'AgentRunCompleted'), 30_000);

    const events = await journal();
    const leases = events.filter((e) => e.type === 'AgentRunLeased').map((e) => [e.data.worker_key, e.data.attempt]);
    expect(new Set(leases.map(([worker]) => worker)).size, JSON.stringify(leases)).to.equal(2);
    expect(events.filter((e) => e.type === 'ToolInvocationStarted')).to.have.length(1);
    expect(events.filter((e) => e.type === 'ModelCallCompleted').map((e) => e.data.step)).to.deep.equal([1, 2]);
    expect(events.at(-1)!.data).to.deep.include({ answer: 'Order 42 has shipped.' });
    expect(tool.calls, 'the tool is never called again').to.have.length(1);
    expect(tool.effects()).to.equal(1);
    expect(chatCalls(), 'model calls: 1, 2 (interrupted), 2 again').to.equal(3);
    const answers = async () =>
      Number(((await knex('ap_events').where({ stream_id: `session-${session.id}`, type: 'SessionMessageAppended' }).count({ n: '*' })) as { n: unknown }[])[0]!.n);
    await waitUntil('the answer joined the session', async () => (await answers()) > 0, 10_000);
    expect(await answers(), 'the answer is added once').to.equal(1);
  });
});
