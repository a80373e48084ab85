import { expect } from 'chai';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer, type ScriptedReply } from '@agent-platform/infra/testing';
import { describeOnPlatform, eventually, expectProblem, fieldsOf, minPosition, sessionBody, workspaceClient } from './testing/server.js';

let model: ScriptedOpenAiServer;
before(async () => {
  model = await startScriptedOpenAiServer();
});
after(async () => model?.close());
const answer = (content: string): ScriptedReply => ({ message: { content } });
type Message = { role: string; content: string | null };

/**
 * A person stops a run (`pause`), or takes its session over (`takeover`, with a task), and gives it back
 * (`resume`, or the takeover task's end): the run goes on from its journal with what they wrote, which
 * also joins the session.
 */
describeOnPlatform(
  'runs paused, taken over and resumed by people, over HTTP',
  (server) => {
    const { call, ok } = workspaceClient(server, [200, 201, 202]);
    beforeEach(() => {
      model.requests.length = 0;
    });
    afterEach(() => expect(model.pending(), 'every scripted reply was used').to.equal(0));

    const queuedRun = async (version: Record<string, unknown> = {}, run: Record<string, unknown> = {}) => {
      const agent = await ok('POST', '/agents', { code: 'support_agent', name: 'Support' });
      await ok('POST', '/agents/versions', { agent_id: agent.id, status: 'published', system_prompt: 'Help.', model_config: { model: 'gpt-test' }, ...version });
      const session = await ok('POST', '/sessions', sessionBody());
      const queued = await ok('POST', '/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: 'Refund order 7.', auto_execute: false, ...run });
      return { runId: queued.id as string, sessionId: session.id as string };
    };
    const viewOf = async (runId: string, position = 0) => (await call('GET', `/agents/runs/${runId}`, undefined, minPosition(position))).body;
    const ended = (runId: string) =>
      eventually(async () => {
        const view = await viewOf(runId);
        expect(view.status, JSON.stringify(view)).to.be.oneOf(['completed', 'failed', 'cancelled']);
        return view;
      }, 20_000);
    const prompt = () => (model.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!.body as { messages: Message[] }).messages;
    const sessionMessages = async (sessionId: string) =>
      ((await call('GET', `/sessions/${sessionId}/messages`)).body.items as { role: string; content_text: string }[]).map((m) => [m.role, m.content_text]);

    for (const react of [false, true]) {
    it(`pauses a queued run, which nothing drives until it is resumed; resumed, it goes on with the messages in its prompt and its session${react ? ' (ReAct)' : ''}`, async () => {
      const { runId, sessionId } = await queuedRun({ model_config: { model: 'gpt-test', react_enabled: react } });
      const paused = await ok('POST', `/agents/runs/${runId}/pause`, { reason: 'checking first', paused_by: 'ops-1' });
      expect(await viewOf(runId, paused.position)).to.deep.include({ status: 'awaiting_human', waiting_for: { reason: 'pause', task_id: null, invocation_id: null, step: 0 } });
      // Executing a paused run drives nothing: it answers where the run stands.
      expect(await ok('POST', `/agents/runs/${runId}/execute`, { worker_key: 'w' })).to.deep.include({ status: 'awaiting_human' });
      expectProblem(await call('POST', `/agents/runs/${runId}/pause`), 409, 'AGENT_RUN_WAITING');
      model.enqueue(answer('Refunded, and the ETA is Monday.'));
      await ok('POST', `/agents/runs/${runId}/resume`, { resumed_by: 'ops-1', messages: [{ role: 'user', content: 'Also give the ETA.' }] });
      expect(await ended(runId)).to.deep.include({ status: 'completed', output_text: 'Refunded, and the ETA is Monday.', waiting_for: null });
      const messages = prompt();
      expect(messages.at(-1)).to.deep.equal({ role: 'user', content: 'Also give the ETA.' });
      expect(messages.at(-2)!.content).to.match(/^A person \(ops-1\) paused the run/);
      await eventually(async () => expect(await sessionMessages(sessionId)).to.deep.include.members([['user', 'Also give the ETA.']]));
      expectProblem(await call('POST', `/agents/runs/${runId}/resume`), 409, 'AGENT_RUN_ENDED');
    });
    }

    it('pauses a run while its model call is in flight: the call is given up, and made again, with the messages, once resumed', async function () {
      this.timeout(30_000);
      const { runId } = await queuedRun({}, { auto_execute: true });
      model.enqueue({ hang: true }, answer('Done after the pause.'));
      await eventually(async () => expect(model.requests.filter((r) => r.path === '/v1/chat/completions')).to.have.length(1));
      await ok('POST', `/agents/runs/${runId}/pause`, {});
      await ok('POST', `/agents/runs/${runId}/resume`, { messages: [{ role: 'user', content: 'Go on.' }] });
      expect(await ended(runId)).to.deep.include({ status: 'completed', output_text: 'Done after the pause.', steps: 1 });
      expect(prompt().at(-1)).to.deep.equal({ role: 'user', content: 'Go on.' });
    });

    it('hands the session to a person through a takeover task; its completion gives the run back with what they wrote', async () => {
      const { runId, sessionId } = await queuedRun();
      const taken = await ok('POST', `/agents/runs/${runId}/takeover`, { taken_by: 'ops-2', reason: 'angry customer' });
      const view = await viewOf(runId, taken.position);
      expect(view).to.deep.include({ status: 'awaiting_human' });
      expect(view.waiting_for).to.deep.include({ reason: 'takeover', invocation_id: null, step: 0 });
      const taskId = view.waiting_for.task_id as string;
      const task = await eventually(async () => {
        const read = await call('GET', `/human/tasks/${taskId}`);
        expect(read.status).to.equal(200);
        return read.body;
      });
      expect(task).to.deep.include({ task_type: 'takeover', status: 'pending', run_id: runId, description: 'angry customer' });
      model.enqueue(answer('Anything else?'));
      await ok('POST', `/human/tasks/${taskId}/claim`, { claimed_by: 'ops-2' });
      await ok('POST', `/human/tasks/${taskId}/complete`, { status: 'completed', response_payload_json: { messages: [{ role: 'assistant', content: 'I refunded order 7 myself.' }] } });
      expect(await ended(runId)).to.deep.include({ status: 'completed', output_text: 'Anything else?' });
      expect(prompt().at(-1)).to.deep.equal({ role: 'assistant', content: 'I refunded order 7 myself.' });
      expect(prompt().at(-2)!.content).to.match(/^A person \(ops-2\) took over the conversation/);
      await eventually(async () => expect(await sessionMessages(sessionId)).to.deep.include.members([['assistant', 'I refunded order 7 myself.']]));
    });

    it('resumed over HTTP while its takeover task is open, cancels that task', async () => {
      const { runId } = await queuedRun();
      const taken = await ok('POST', `/agents/runs/${runId}/takeover`, {});
      const taskId = (await viewOf(runId, taken.position)).waiting_for.task_id as string;
      model.enqueue(answer('Back.'));
      await ok('POST', `/agents/runs/${runId}/resume`, {});
      expect(await ended(runId)).to.deep.include({ status: 'completed', output_text: 'Back.' });
      await eventually(async () => expect((await call('GET', `/human/tasks/${taskId}`)).body.status).to.equal('cancelled'));
    });

    it('answers 404 for an unknown run or another workspace’s, 409 naming the status, and 400 naming a bad field', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      for (const prefix of ['', '/gateway']) {
        for (const action of ['pause', 'takeover', 'resume']) expectProblem(await call('POST', `${prefix}/agents/runs/${unknown}/${action}`, {}), 404, 'AGENT_RUN_NOT_FOUND');
      }
      const { runId } = await queuedRun();
      expectProblem(await call('POST', `/agents/runs/${runId}/pause`, {}, { 'x-workspace-id': 'ws-someone-else' }), 404, 'AGENT_RUN_NOT_FOUND');
      const notPaused = await call('POST', `/agents/runs/${runId}/resume`, {});
      expectProblem(notPaused, 409, 'AGENT_RUN_NOT_PAUSED');
      expect(notPaused.body.detail).to.contain('is queued');
      const bad = await call('POST', `/agents/runs/${runId}/resume`, { messages: [{ role: 'system', content: 'obey' }] });
      expect(bad.status).to.equal(400);
      expect(fieldsOf(bad)).to.deep.equal(['body.messages.0.role']);
      // Under /gateway as directly.
      await ok('POST', `/gateway/agents/runs/${runId}/pause`, {});
      expectProblem(await call('POST', `/gateway/agents/runs/${runId}/takeover`, {}), 409, 'AGENT_RUN_WAITING');
      await ok('POST', `/agents/runs/${runId}/cancel`, {});
      expectProblem(await call('POST', `/agents/runs/${runId}/pause`, {}), 409, 'AGENT_RUN_ENDED');
    });
  },
  { env: () => ({ AGENT_PLATFORM_PROVIDER_BASE_URL: model.baseURL, AGENT_PLATFORM_PROVIDER_API_KEY: 'test-key', AGENT_PLATFORM_AGENT_RUN_LEASE_MS: '1500' }) },
);
