import { expect } from 'chai';
import { createKnex, type Knex } from '@agent-platform/infra';
import { describeOnEachPostgres, startScriptedOpenAiServer, type ScriptedOpenAiServer, type ScriptedReply } from '@agent-platform/infra/testing';
import { freshWorkspace, send, sessionBody, startServer } from '../testing/server.js';
import { startToolServer, type ToolServer } from '../testing/toolServer.js';
import { waitUntil, type Child } from './children.js';
import { cleanups, countOf, startPlatformChild } from './fixtures.js';

const LEASE_MS = 1_500;
const toolCall = (orderId: string): ScriptedReply => ({
  message: { content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: JSON.stringify({ order_id: orderId }) } }] },
});

/**
 * The process running an agent run is killed with SIGKILL mid-run. Another process resumes the run once
 * the lease runs out: recorded model answers and tool outputs are replayed from the run's journal, never
 * made again, and a tool call that was in flight is made again with the same idempotency key.
 */
describeOnEachPostgres('fault: the process running an agent run is killed with SIGKILL', ({ db }) => {
  const after = cleanups();
  afterEach(async function () {
    this.timeout(60_000);
    await after.run();
  });

  type Setup = { model: ScriptedOpenAiServer; tool: ToolServer; knex: Knex; first: Child; env: Record<string, string>; runId: string; sessionId: string };

  /** A platform in a child process, a ReAct agent with one HTTP tool, and a run of it, scripted by `replies`. */
  const startRun = async (replies: ScriptedReply[], tool: ToolServer): Promise<Setup> => {
    const model = await startScriptedOpenAiServer();
    after.add(() => model.close());
    after.add(() => tool.close());
    const knex = createKnex(db().url);
    after.add(() => knex.destroy());
    const env = {
      AGENT_PLATFORM_DATABASE_URL: db().url,
      AGENT_PLATFORM_PROVIDER_BASE_URL: model.baseURL,
      AGENT_PLATFORM_PROVIDER_API_KEY: 'test-key',
      AGENT_PLATFORM_TOOL_ALLOWED_HOSTS: tool.host,
      AGENT_PLATFORM_AGENT_RUN_LEASE_MS: String(LEASE_MS),
    };
    const { child: first, url: url } = await startPlatformChild(after, 'platform 1', env);
    const workspace = { 'x-workspace-id': freshWorkspace() };
    const ok = async (path: string, body: unknown) => {
      const answer = await send(url, 'POST', path, { body, headers: workspace });
      expect(answer.status, JSON.stringify(answer.body)).to.be.oneOf([201, 202]);
      return answer.body as { id: string };
    };
    const created = await ok('/tools', { code: 'lookup_order', name: 'Look up an order', tool_type: 'http' });
    await ok('/tools/versions', {
      tool_id: created.id,
      status: 'published',
      input_schema_json: { type: 'object', properties: { order_id: { type: 'string' } } },
      invoke_config_json: { base_url: tool.url, path: '/orders/lookup', timeout_ms: 60_000 },
    });
    const agent = await ok('/agents', { code: 'support_agent', name: 'Support' });
    await ok('/agents/versions', { agent_id: agent.id, status: 'published', model_config: { react_enabled: true }, tool_refs: [{ tool_code: 'lookup_order' }] });
    const session = await ok('/sessions', sessionBody());
    model.enqueue(...replies);
    const run = await ok('/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: 'Where is my order?' });
    return { model, tool, knex, first, env, runId: run.id, sessionId: session.id };
  };

  const journalOf = (setup: Setup) =>
    setup.knex('ap_events').where({ stream_id: `agentrun-${setup.runId}` }).orderBy('stream_version').select<{ type: string; data: Record<string, unknown> }[]>('type', 'data');
  const chatCalls = (setup: Setup) => setup.model.requests.filter((r) => r.path === '/v1/chat/completions').length;

  const ENDS = ['AgentRunCompleted', 'AgentRunFailed', 'AgentRunCancelled'];
  /**
   * Kills the first platform, starts a second in this process, and waits until the run ends, however it
   * ends, or the tool is called more than `toolCalls` times: either is asserted at once, so a resume that
   * calls the tool again or fails the run is told by the count, not by a timeout.
   */
  const killAndResume = async (setup: Setup, toolCalls: number) => {
    await setup.first.kill();
    const second = await startServer(setup.env);
    after.add(() => second.stop());
    let journal: string[] = [];
    await waitUntil(
      () => `the resumed run ended (tool calls: ${setup.tool.calls.length}; the run's journal: ${journal.join(', ')})`,
      async () => {
        journal = (await journalOf(setup)).map((e) => e.type);
        return setup.tool.calls.length > toolCalls || journal.some((type) => ENDS.includes(type));
      },
      30_000,
    );
    expect(setup.tool.calls, 'calls of the tool').to.have.length(toolCalls);
    const events = await journalOf(setup);
    expect(events.filter((e) => ENDS.includes(e.type)).map((e) => e.type), JSON.stringify(events.at(-1))).to.deep.equal(['AgentRunCompleted']);
    const workers = new Set(events.filter((e) => e.type === 'AgentRunLeased').map((e) => e.data.worker_key));
    expect(workers.size, 'two workers held the run').to.equal(2);
    return events;
  };

  const answersIn = (setup: Setup) => countOf(setup.knex('ap_events').where({ stream_id: `session-${setup.sessionId}`, type: 'SessionMessageAppended' }));

  it('after a completed tool call: the resumed run completes and the tool is called once', async function () {
    this.timeout(90_000);
    const setup = await startRun(
      [toolCall('42'), { hang: true } /* the process dies waiting for the second model call */, { message: { content: 'Order 42 has shipped.' } }],
      await startToolServer(),
    );
    await waitUntil(
      () => `the tool call completed and the second model call started (${setup.first.output()})`,
      async () => (await journalOf(setup)).some((e) => e.type === 'ToolInvocationCompleted') && chatCalls(setup) === 2,
    );
    expect(setup.tool.calls).to.have.length(1);

    const events = await killAndResume(setup, 1);
    expect(events.filter((e) => e.type === 'ToolInvocationStarted')).to.have.length(1);
    expect(events.filter((e) => e.type === 'ModelCallCompleted').map((e) => e.data.step)).to.deep.equal([1, 2]);
    expect(events.at(-1)!.data).to.deep.include({ answer: 'Order 42 has shipped.' });
    expect(setup.tool.calls, 'the tool is never called again').to.have.length(1);
    expect(chatCalls(setup), 'model calls: 1, 2 (interrupted), 2 again').to.equal(3);
    await waitUntil('the answer joined the session', async () => (await answersIn(setup)) > 0, 10_000);
    expect(await answersIn(setup), 'the answer is added once').to.equal(1);
  });

  it('during a tool call: the resumed run calls it again with the same idempotency key, and the tool acts once', async function () {
    this.timeout(90_000);
    const setup = await startRun([toolCall('7'), { message: { content: 'Order 7 has shipped.' } }], await startToolServer({ hangFirstCall: true }));
    await waitUntil(() => `the tool was called (${setup.first.output()})`, () => setup.tool.calls.length === 1);

    const events = await killAndResume(setup, 2);
    const [firstCall, secondCall] = setup.tool.calls;
    expect(setup.tool.calls).to.have.length(2);
    expect(secondCall!.headers['idempotency-key']).to.equal(firstCall!.headers['idempotency-key']).and.to.equal(`${setup.runId}:1:0`);
    expect(setup.tool.effects(), 'the tool acted once').to.equal(1);
    expect(events.filter((e) => e.type === 'ToolInvocationStarted'), 'started, then started again after the crash').to.have.length(2);
    expect(events.filter((e) => e.type === 'ToolInvocationCompleted')).to.have.length(1);
    expect(chatCalls(setup), 'the model answer that asked for the call is replayed').to.equal(2);
    expect(events.at(-1)!.data).to.deep.include({ answer: 'Order 7 has shipped.' });
  });
});
