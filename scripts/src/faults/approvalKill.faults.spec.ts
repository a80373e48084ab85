import { expect } from 'chai';
import { createKnex } from '@agent-platform/infra';
import { describeOnEachPostgres, startScriptedOpenAiServer } from '@agent-platform/infra/testing';
import { freshWorkspace, send, sessionBody, startServer } from '../testing/server.js';
import { startToolServer } from '../testing/toolServer.js';
import { waitUntil } from './children.js';
import { cleanups, startPlatformChild } from './fixtures.js';

/**
 * The process a run waits in is killed with SIGKILL while the run waits for an approval. A platform started
 * afterwards knows of the wait, the task and the proposed input from the log alone: the approval given to it
 * (edited) resumes the run, which calls the tool once, with the edited input.
 */
describeOnEachPostgres('fault: the process of a run waiting for an approval is killed with SIGKILL', ({ db }) => {
  const after = cleanups();
  afterEach(async function () {
    this.timeout(60_000);
    await after.run();
  });

  it('resumes the run on the next platform, which calls the tool once with the approved edit', async function () {
    this.timeout(90_000);
    const [model, tool] = await Promise.all([startScriptedOpenAiServer(), startToolServer()]);
    after.add(() => model.close());
    after.add(() => tool.close());
    const knex = createKnex(db().url);
    after.add(() => knex.destroy());
    const env = {
      AGENT_PLATFORM_DATABASE_URL: db().url,
      AGENT_PLATFORM_PROVIDER_BASE_URL: model.baseURL,
      AGENT_PLATFORM_PROVIDER_API_KEY: 'test-key',
      AGENT_PLATFORM_TOOL_ALLOWED_HOSTS: tool.host,
      AGENT_PLATFORM_AGENT_RUN_LEASE_MS: '1500',
    };
    const { child: first, url: firstUrl } = await startPlatformChild(after, 'platform 1', env);
    const headers = { 'x-workspace-id': freshWorkspace() };
    const on = (url: string) => async (method: string, path: string, body?: unknown) => {
      const answer = await send(url, method, path, { body, headers });
      expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).to.be.oneOf([200, 201, 202]);
      return answer.body;
    };
    const ok = on(firstUrl);
    const created = await ok('POST', '/tools', { code: 'lookup_order', name: 'Look up an order', tool_type: 'http' });
    await ok('POST', '/tools/versions', {
      tool_id: created.id,
      status: 'published',
      input_schema_json: { type: 'object', properties: { order_id: { type: 'string' } } },
      invoke_config_json: { base_url: tool.url, path: '/orders/lookup', timeout_ms: 10_000 },
    });
    const agent = await ok('POST', '/agents', { code: 'support_agent', name: 'Support' });
    await ok('POST', '/agents/versions', { agent_id: agent.id, status: 'published', model_config: { react_enabled: true }, tool_refs: [{ tool_code: 'lookup_order', requires_approval: true }] });
    const session = await ok('POST', '/sessions', sessionBody());
    model.enqueue(
      { message: { content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"order_id":"42"}' } }] } },
      { message: { content: 'Order 43 has shipped.' } },
    );
    const run = await ok('POST', '/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: 'Where is my order?' });
    const journal = () => knex('ap_events').where({ stream_id: `agentrun-${run.id}` }).orderBy('stream_version').select<{ type: string; data: Record<string, unknown> }[]>('type', 'data');
    let taskId: string | undefined;
    await waitUntil(
      () => `the run waits and its task exists (${first.output().slice(-2_000)})`,
      async () => {
        const wait = (await journal()).find((e) => e.type === 'AgentRunAwaitingHuman');
        taskId = wait?.data.task_id as string | undefined;
        return !!taskId && (await knex('ap_events').where({ stream_id: `humantask-${taskId}` }).first()) !== undefined;
      },
      30_000,
    );
    await first.kill();

    const second = await startServer(env);
    after.add(() => second.stop());
    const again = on(second.url);
    await again('POST', `/human/tasks/${taskId}/claim`, { claimed_by: 'ops-1' });
    await again('POST', `/human/tasks/${taskId}/complete`, { status: 'approved', response_payload_json: { input_json: { order_id: '43' } } });
    await waitUntil(
      () => `the run ended (${JSON.stringify(tool.calls.map((c) => c.body))})`,
      async () => (await journal()).some((e) => ['AgentRunCompleted', 'AgentRunFailed', 'AgentRunCancelled'].includes(e.type)),
      30_000,
    );
    const events = await journal();
    expect(events.at(-1)).to.deep.include({ type: 'AgentRunCompleted' });
    expect(events.at(-1)!.data).to.deep.include({ answer: 'Order 43 has shipped.' });
    expect(tool.calls.map((c) => c.body)).to.deep.equal([{ order_id: '43' }]);
    expect(events.filter((e) => e.type === 'AgentRunAwaitingHuman')).to.have.length(1);
  });
});
