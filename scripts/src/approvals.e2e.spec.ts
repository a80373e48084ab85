import { expect } from 'chai';
import { AGENT_RUNS_CATEGORY, approvalHash, ConflictError, streamId } from '@agent-platform/contracts';
import { agentRunDecider, sendCommand } from '@agent-platform/command-api/commands';
import { describeOnEachPostgres, openTestEventStore, startScriptedOpenAiServer, type ScriptedOpenAiServer, type ScriptedReply } from '@agent-platform/infra/testing';
import { eventually, freshWorkspace, minPosition, sessionBody, startServer, type TestServer } from './testing/server.js';
import { startToolServer, type ToolServer } from './testing/toolServer.js';

const ORDER_SCHEMA = { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] };
const LEASE_MS = 1_500;
const callOf = (orderId: string, id: string) => ({ id, type: 'function' as const, function: { name: 'lookup_order', arguments: JSON.stringify({ order_id: orderId }) } });
const toolCall = (orderId: string, id = 'call_1'): ScriptedReply => ({ message: { content: null, tool_calls: [callOf(orderId, id)] } });
const answer = (content: string): ScriptedReply => ({ message: { content } });

/**
 * Runs that wait for people, end to end: an agent whose tool requires approval stops before the call, with
 * a task holding the proposed input; a person claims and completes the task over HTTP; the run goes on, and
 * calls the tool only with what was approved. Each case runs twice: once on one platform, once with the
 * platform stopped while the run waits and another started on the same database, which knows of the wait
 * only from the run's events.
 */
describeOnEachPostgres('runs that wait for people (approvals, questions), over HTTP', ({ db }) => {
  // Nested, so that the platform stops before the outer suite drops its database.
  describe('the platform, restarted where a case says', () => {
  let model: ScriptedOpenAiServer;
  let tool: ToolServer;
  let server: TestServer;
  let env: Record<string, string>;
  before(async () => {
    [model, tool] = await Promise.all([startScriptedOpenAiServer(), startToolServer()]);
    env = {
      AGENT_PLATFORM_DATABASE_URL: db().url,
      AGENT_PLATFORM_PROVIDER_BASE_URL: model.baseURL,
      AGENT_PLATFORM_PROVIDER_API_KEY: 'test-key',
      AGENT_PLATFORM_TOOL_ALLOWED_HOSTS: tool.host,
      AGENT_PLATFORM_AGENT_RUN_LEASE_MS: String(LEASE_MS),
    };
    server = await startServer(env);
  });
  after(async () => {
    await server?.stop();
    await Promise.all([model?.close(), tool?.close()]);
  });

  let workspace: Record<string, string> = {};
  afterEach(() => expect(model.pending(), 'every scripted reply was used').to.equal(0));
  beforeEach(() => {
    workspace = { 'x-workspace-id': freshWorkspace() };
    tool.calls.length = 0;
    model.requests.length = 0;
  });
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => server.request(method, path, { body, headers: { ...workspace, ...headers } });
  const ok = async (method: string, path: string, body?: unknown) => {
    const answered = await call(method, path, body);
    expect(answered.status, `${method} ${path}: ${JSON.stringify(answered.body)}`).to.be.oneOf([200, 201, 202]);
    return answered.body;
  };
  /** Stops the platform while the run waits and starts another: the wait, the task and the decision live in the log only. */
  const restart = async () => {
    await server.stop();
    server = await startServer(env);
  };

  const lookupTool = async () => {
    const created = await ok('POST', '/tools', { code: 'lookup_order', name: 'Look up an order', tool_type: 'http' });
    const version = await ok('POST', '/tools/versions', {
      tool_id: created.id,
      status: 'published',
      input_schema_json: ORDER_SCHEMA,
      invoke_config_json: { method: 'POST', base_url: tool.url, path: '/orders/lookup', timeout_ms: 5000 },
    });
    return version.id as string;
  };
  /** A ReAct agent whose only tool needs an approval, and a run of it, executed until it waits. */
  const waitingRun = async (replies: ScriptedReply[], version: Record<string, unknown> = {}) => {
    const toolVersionId = await lookupTool();
    const agent = await ok('POST', '/agents', { code: 'support_agent', name: 'Support' });
    await ok('POST', '/agents/versions', {
      agent_id: agent.id,
      status: 'published',
      model_config: { model: 'gpt-test', react_enabled: true, react_max_steps: 6 },
      tool_refs: [{ tool_code: 'lookup_order', requires_approval: true }],
      ...version,
    });
    const session = await ok('POST', '/sessions', sessionBody());
    model.enqueue(...replies);
    const run = await ok('POST', '/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: 'Where is order 123?' });
    const waiting = await ok('POST', `/agents/runs/${run.id}/execute`, { worker_key: 'test-worker' });
    return { runId: run.id as string, sessionId: session.id as string, toolVersionId, waiting };
  };
  const taskOf = async (taskId: string, position = 0) => {
    const read = await eventually(async () => {
      const got = await call('GET', `/human/tasks/${taskId}`, undefined, minPosition(position));
      expect(got.status, JSON.stringify(got.body)).to.equal(200);
      return got.body;
    });
    return read;
  };
  const decide = async (taskId: string, body: Record<string, unknown>) => {
    await ok('POST', `/human/tasks/${taskId}/claim`, { claimed_by: 'ops-1' });
    return ok('POST', `/human/tasks/${taskId}/complete`, body);
  };
  const ended = (runId: string) =>
    eventually(async () => {
      const run = await call('GET', `/agents/runs/${runId}`);
      expect(run.body.status, JSON.stringify(run.body)).to.be.oneOf(['completed', 'failed', 'cancelled']);
      return run.body;
    }, 20_000);
  const invocationsOf = async (runId: string, position: number) => (await call('GET', `/agents/runs/${runId}/tool-invocations`, undefined, minPosition(position))).body.items;
  const journalOf = async (runId: string) => ((await call('GET', `/streams/${streamId(AGENT_RUNS_CATEGORY, runId)}`)).body.events as { type: string; data: Record<string, unknown> }[]);

  for (const restarted of [false, true]) {
    const when = restarted ? ', the platform restarted while the run waits' : '';

    it(`pauses before the call, with a task holding the proposed input; approved, calls the tool once with it${when}`, async function () {
      this.timeout(60_000);
      const { runId, toolVersionId, waiting } = await waitingRun([toolCall('123'), answer('Order 123 has shipped.')]);
      expect(waiting).to.deep.include({ status: 'awaiting_human' });
      expect(waiting.waiting_for).to.deep.include({ reason: 'approval', step: 1 });
      expect(tool.calls, 'nothing is called before the approval').to.have.length(0);
      const taskId = waiting.waiting_for.task_id as string;
      const hash = approvalHash(toolVersionId, { order_id: '123' });
      const task = await taskOf(taskId, waiting.position);
      expect(task).to.deep.include({ task_type: 'approval', status: 'pending', run_id: runId });
      expect(task.request_payload_json).to.deep.include({ code: 'lookup_order', input_json: { order_id: '123' }, input_hash: hash });
      expect(task.subject).to.deep.include({ kind: 'tool', code: 'lookup_order', version_id: toolVersionId, input_hash: hash });
      const view = await call('GET', `/agents/runs/${runId}`, undefined, minPosition(waiting.position));
      expect(view.body).to.deep.include({ status: 'awaiting_human', waiting_for: waiting.waiting_for, lease_expires_at: null });

      if (restarted) await restart();
      await decide(taskId, { status: 'approved', comment: 'fine' });
      const run = await ended(runId);
      expect(run).to.deep.include({ status: 'completed', output_text: 'Order 123 has shipped.', waiting_for: null });
      expect(tool.calls.map((c) => c.body)).to.deep.equal([{ order_id: '123' }]);
      expect(tool.calls.map((c) => c.headers['idempotency-key'])).to.deep.equal([`${runId}:1:0`]);
      const [invocation] = await invocationsOf(runId, 0);
      expect(invocation).to.deep.include({ status: 'completed', input_json: { order_id: '123' }, idempotency_key: `${runId}:1:0` });
      expect(invocation.approval).to.deep.equal({
        task_id: taskId,
        outcome: 'approved',
        acted_by: 'ops-1',
        proposed_input_hash: hash,
        approved_input_hash: hash,
        edited: false,
        comment: 'fine',
      });
      const types = (await journalOf(runId)).map((e) => e.type);
      expect(types.filter((t) => t === 'AgentRunAwaitingHuman' || t === 'AgentRunResumed')).to.deep.equal(['AgentRunAwaitingHuman', 'AgentRunResumed']);
    });

    it(`calls the tool with the approver's edit of the input, which is what is approved${when}`, async function () {
      this.timeout(60_000);
      const { runId, toolVersionId, waiting } = await waitingRun([toolCall('123'), answer('Order 456 has shipped.')]);
      if (restarted) await restart();
      await decide(waiting.waiting_for.task_id, { status: 'approved', response_payload_json: { input_json: { order_id: '456' } } });
      const run = await ended(runId);
      expect(run).to.deep.include({ status: 'completed' });
      expect(tool.calls.map((c) => c.body)).to.deep.equal([{ order_id: '456' }]);
      const [invocation] = await invocationsOf(runId, 0);
      expect(invocation.input_json).to.deep.equal({ order_id: '456' });
      expect(invocation.approval).to.deep.include({ edited: true, approved_input_hash: approvalHash(toolVersionId, { order_id: '456' }), proposed_input_hash: approvalHash(toolVersionId, { order_id: '123' }) });
      // The model is told what the call it asked for answered: that of the approved input.
      const last = model.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!.body as { messages: { role: string; content: string }[] };
      expect(last.messages.at(-1)).to.deep.include({ role: 'tool', content: '{"order_id":"456","status":"shipped"}' });
    });

    it(`skips the tool when the approval is rejected, and tells the model why${when}`, async function () {
      this.timeout(60_000);
      const { runId, waiting } = await waitingRun([toolCall('123'), answer('I could not look it up.')]);
      if (restarted) await restart();
      await decide(waiting.waiting_for.task_id, { status: 'rejected', comment: 'not this customer' });
      const run = await ended(runId);
      expect(run).to.deep.include({ status: 'completed', output_text: 'I could not look it up.' });
      expect(tool.calls).to.have.length(0);
      const [invocation] = await invocationsOf(runId, 0);
      expect(invocation).to.deep.include({ status: 'skipped' });
      expect(invocation.approval).to.deep.include({ outcome: 'rejected', acted_by: 'ops-1', approved_input_hash: null });
      const last = model.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!.body as { messages: { role: string; content: string }[] };
      expect(last.messages.at(-1)).to.deep.include({ role: 'tool', content: 'Skipped: a person (ops-1) rejected this call: not this customer' });
    });
  }

  it('waits at every call of a loop, resumes each wait once, and repeats no earlier effect, across a restart', async function () {
    this.timeout(90_000);
    const twoCalls: ScriptedReply = { message: { content: null, tool_calls: [callOf('3', 'call_3a'), callOf('4', 'call_3b')] } };
    const { runId, waiting } = await waitingRun([toolCall('1'), toolCall('2', 'call_2'), twoCalls, answer('Orders 1, 30 and 4 have shipped.')]);
    const tasks = [waiting.waiting_for.task_id as string];
    const nextWait = async () => {
      const view = await eventually(async () => {
        const run = await call('GET', `/agents/runs/${runId}`);
        expect(run.body.status).to.equal('awaiting_human');
        expect(tasks).to.not.include(run.body.waiting_for.task_id);
        return run.body;
      }, 20_000);
      tasks.push(view.waiting_for.task_id);
      return view.waiting_for.task_id as string;
    };
    await decide(tasks[0]!, { status: 'approved' });
    const second = await nextWait();
    await restart();
    await decide(second, { status: 'rejected', comment: 'no' });
    const third = await nextWait();
    await decide(third, { status: 'approved', response_payload_json: { input_json: { order_id: '30' } } });
    const fourth = await nextWait();
    await restart();
    await decide(fourth, { status: 'approved' });
    const run = await ended(runId);
    expect(run).to.deep.include({ status: 'completed', output_text: 'Orders 1, 30 and 4 have shipped.' });
    expect(new Set(tasks).size).to.equal(4);
    // Each approved call made once, in order; the rejected one never; no call repeated by a resume.
    expect(tool.calls.map((c) => [c.headers['idempotency-key'], c.body])).to.deep.equal([
      [`${runId}:1:0`, { order_id: '1' }],
      [`${runId}:3:0`, { order_id: '30' }],
      [`${runId}:3:1`, { order_id: '4' }],
    ]);
    const journal = await journalOf(runId);
    expect(journal.filter((e) => e.type === 'AgentRunResumed').map((e) => [e.data.task_id, e.data.outcome])).to.deep.equal([
      [tasks[0], 'approved'],
      [second, 'rejected'],
      [third, 'approved'],
      [fourth, 'approved'],
    ]);
    expect(journal.filter((e) => e.type === 'AgentRunAwaitingHuman')).to.have.length(4);
    expect(journal.filter((e) => e.type === 'ModelCallCompleted').map((e) => e.data.step)).to.deep.equal([1, 2, 3, 4]);
    // A resumed run replays the model's recorded answers: the model was asked once per step.
    expect(model.requests.filter((r) => r.path === '/v1/chat/completions')).to.have.length(4);
  });

  it('is moved on by no task but its own: one created over HTTP naming the run changes nothing', async function () {
    this.timeout(60_000);
    const { runId, waiting } = await waitingRun([toolCall('123'), answer('Order 123 has shipped.')]);
    const other = await ok('POST', '/human/tasks', { task_type: 'approval', title: 'Approve it', run_id: runId, request_payload_json: {} });
    const approved = await decide(other.id, { status: 'approved', response_payload_json: { input_json: { order_id: '999' } } });
    await new Promise((r) => setTimeout(r, 500));
    const view = await call('GET', `/agents/runs/${runId}`, undefined, minPosition(approved.position));
    expect(view.body).to.deep.include({ status: 'awaiting_human', waiting_for: waiting.waiting_for });
    expect((await journalOf(runId)).map((e) => e.type)).to.not.include('AgentRunResumed');
    expect(tool.calls).to.have.length(0);
    await decide(waiting.waiting_for.task_id, { status: 'approved' });
    expect(await ended(runId)).to.deep.include({ status: 'completed' });
    expect(tool.calls.map((c) => c.body)).to.deep.equal([{ order_id: '123' }]);
  });

  it('cancels the open task of a run cancelled while it waits', async function () {
    this.timeout(60_000);
    const { runId, waiting } = await waitingRun([toolCall('123')]);
    await ok('POST', `/agents/runs/${runId}/cancel`, { reason: 'no longer needed' });
    const task = await eventually(async () => {
      const read = await call('GET', `/human/tasks/${waiting.waiting_for.task_id}`);
      expect(read.body.status).to.equal('cancelled');
      return read.body;
    });
    expect(task.run_id).to.equal(runId);
    expect(tool.calls).to.have.length(0);
  });

  it('without ReAct: asks for the selected skill, then for the required tool, before the one model call, and calls each as approved', async function () {
    this.timeout(60_000);
    const toolVersionId = await lookupTool();
    const skill = await ok('POST', '/skills', { code: 'summarize', name: 'Summarize', skill_type: 'template' });
    const skillVersion = await ok('POST', '/skills/versions', {
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
      model_config: { model: 'gpt-test' },
      tool_refs: [{ tool_code: 'lookup_order', required: true, requires_approval: true }],
      skill_refs: [{ skill_code: 'summarize', requires_approval: true }],
    });
    const session = await ok('POST', '/sessions', sessionBody());
    model.enqueue(answer('Done.'));
    const run = await ok('POST', '/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: 'Order A-1 is late' });
    const first = await ok('POST', `/agents/runs/${run.id}/execute`, { worker_key: 'test-worker' });
    expect(first).to.deep.include({ status: 'awaiting_human' });
    const skillTask = await taskOf(first.waiting_for.task_id, first.position);
    // The skill's version is resolved before the approval, and is part of what is approved.
    expect(skillTask.subject).to.deep.include({ kind: 'skill', code: 'skill:summarize', ref_id: skill.id, version_id: skillVersion.id, input_json: { input_text: 'Order A-1 is late' } });
    await decide(first.waiting_for.task_id, { status: 'approved', response_payload_json: { input_json: { input_text: 'Order A-2 is late' } } });
    const second = await eventually(async () => {
      const view = await call('GET', `/agents/runs/${run.id}`);
      expect(view.body.status).to.equal('awaiting_human');
      expect(view.body.waiting_for.task_id).to.not.equal(first.waiting_for.task_id);
      return view.body;
    }, 20_000);
    const toolTask = await taskOf(second.waiting_for.task_id);
    expect(toolTask.subject).to.deep.include({ kind: 'tool', code: 'lookup_order', version_id: toolVersionId, input_json: { input_text: 'Order A-1 is late' } });
    await decide(second.waiting_for.task_id, { status: 'approved', response_payload_json: { input_json: { order_id: 'A-1' } } });
    expect(await ended(run.id)).to.deep.include({ status: 'completed', output_text: 'Done.' });
    expect(tool.calls.map((c) => c.body)).to.deep.equal([{ order_id: 'A-1' }]);
    const prompt = (model.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!.body as { messages: { role: string; content: string }[] }).messages;
    expect(prompt.find((m) => m.content.startsWith('Results of the skills'))?.content).to.contain('- skill:summarize: {"text":"Summary: Order A-2 is late"}');
    expect(prompt.find((m) => m.content.startsWith('Results of the tools'))?.content).to.contain('- lookup_order: {"order_id":"A-1","status":"shipped"}');
  });

  it('puts a team run in awaiting_human while its member waits, and the team goes on once the member does', async function () {
    this.timeout(60_000);
    await lookupTool();
    const agent = await ok('POST', '/agents', { code: 'agent_x', name: 'x' });
    await ok('POST', '/agents/versions', {
      agent_id: agent.id,
      status: 'published',
      model_config: { model: 'gpt-test', react_enabled: true },
      tool_refs: [{ tool_code: 'lookup_order', requires_approval: true }],
    });
    const team = await ok('POST', '/teams', { code: 'team_orders', name: 'orders' });
    await ok('POST', '/teams/versions', {
      team_id: team.id,
      status: 'published',
      coordination_mode: 'sequential',
      objective: 'Answer about orders',
      member_refs: [{ member_key: 'x', agent_id: agent.id, role: 'executor', responsibility: 'look orders up' }],
    });
    const session = await ok('POST', '/sessions', sessionBody());
    model.enqueue(toolCall('123'), answer('Order 123 has shipped.'));
    const teamRun = await ok('POST', '/teams/runs', { team_id: team.id, session_id: session.id, input_text: 'Where is order 123?' });
    const waiting = await ok('POST', `/teams/runs/${teamRun.id}/execute`, { worker_key: 'team-worker' });
    expect(waiting).to.deep.include({ status: 'awaiting_human' });
    const member = await eventually(async () => {
      const runs = await call('GET', `/agents/runs?team_run_id=${teamRun.id}&status=awaiting_human`);
      expect(runs.body.items).to.have.length(1);
      return runs.body.items[0];
    });
    expect((await call('GET', `/teams/runs/${teamRun.id}`, undefined, minPosition(waiting.position))).body).to.deep.include({ status: 'awaiting_human' });
    await decide(member.waiting_for.task_id, { status: 'approved' });
    const done = await eventually(async () => {
      const read = await call('GET', `/teams/runs/${teamRun.id}`);
      expect(read.body.status).to.equal('completed');
      return read.body;
    }, 20_000);
    expect(done.output_text).to.equal('Order 123 has shipped.');
    expect(tool.calls.map((c) => c.body)).to.deep.equal([{ order_id: '123' }]);
  });

  describe('ask_human, where the version enables it', () => {
    const askingRun = async (replies: ScriptedReply[]) => {
      const agent = await ok('POST', '/agents', { code: 'asker', name: 'Asker' });
      await ok('POST', '/agents/versions', { agent_id: agent.id, status: 'published', model_config: { model: 'gpt-test', react_enabled: true, ask_human_enabled: true } });
      const session = await ok('POST', '/sessions', sessionBody());
      model.enqueue(...replies);
      const run = await ok('POST', '/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: 'Where is my order?' });
      return { runId: run.id as string, waiting: await ok('POST', `/agents/runs/${run.id}/execute`, { worker_key: 'test-worker' }) };
    };
    const lastRequest = () => model.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!.body as { messages: { role: string; content: string }[]; tools?: { function: { name: string } }[] };

    for (const restarted of [false, true]) {
      it(`asks a person through an input task (a native call) and gives the model the answer${restarted ? ', the platform restarted while it waits' : ''}`, async function () {
        this.timeout(60_000);
        const ask: ScriptedReply = { message: { content: null, tool_calls: [{ id: 'ask_1', type: 'function', function: { name: 'ask_human', arguments: '{"question":"Which order number?"}' } }] } };
        const { runId, waiting } = await askingRun([ask, answer('Order A-17 has shipped.')]);
        expect(lastRequest().tools?.map((t) => t.function.name)).to.deep.equal(['ask_human']);
        expect(waiting).to.deep.include({ status: 'awaiting_human' });
        expect(waiting.waiting_for).to.deep.include({ reason: 'input', step: 1 });
        const task = await taskOf(waiting.waiting_for.task_id, waiting.position);
        expect(task).to.deep.include({ task_type: 'input', status: 'pending', run_id: runId, description: 'Which order number?', request_payload_json: { question: 'Which order number?' }, subject: null });
        if (restarted) await restart();
        await decide(waiting.waiting_for.task_id, { status: 'completed', response_payload_json: { answer: 'A-17' } });
        expect(await ended(runId)).to.deep.include({ status: 'completed', output_text: 'Order A-17 has shipped.' });
        expect(lastRequest().messages.at(-1)).to.deep.include({ role: 'tool', content: 'A person (ops-1) answered: A-17' });
      });
    }

    it('reads a JSON ask_human action too, and tells the model when nobody answered', async function () {
      this.timeout(60_000);
      const { runId, waiting } = await askingRun([answer('{"action":"ask_human","question":"Which one?"}'), answer('{"action":"finish","answer":"I could not tell."}')]);
      expect(lastRequest().messages[0]!.content).to.contain('"action":"ask_human"');
      await ok('POST', `/human/tasks/${waiting.waiting_for.task_id}/cancel`, { reason: 'out of office' });
      expect(await ended(runId)).to.deep.include({ status: 'completed', output_text: 'I could not tell.' });
      expect(lastRequest().messages.at(-1)).to.deep.include({ role: 'user', content: 'Observation: Nobody answered: the question was cancelled (comment: out of office)' });
    });
  });

  it('refuses a start whose input is not the approved one, whoever records it; the run then calls only the approved input', async function () {
    this.timeout(60_000);
    const { runId, toolVersionId, waiting } = await waitingRun([toolCall('123'), answer('Order 123 has shipped.')]);
    // Nobody drives the run meanwhile: the platform is stopped, and the writer below is a forger with the store.
    await server.stop();
    const opened = await openTestEventStore(db().url, 2);
    try {
      const stream = streamId(AGENT_RUNS_CATEGORY, runId);
      const ctx = { workspaceId: workspace['x-workspace-id']! };
      const proposed = { order_id: '123' };
      await sendCommand(opened.store, agentRunDecider, stream, {
        type: 'RecordHumanDecision',
        data: { run_id: runId, task_id: waiting.waiting_for.task_id, workspace_id: ctx.workspaceId, outcome: 'approved', acted_by: 'ops-1', comment: null, response_payload_json: {}, approved_input: { input_json: proposed, input_hash: approvalHash(toolVersionId, proposed), edited: false } },
      }, ctx);
      const lease_id = '0b1c2d3e-4f50-4612-8734-56789abcdef0';
      await sendCommand(opened.store, agentRunDecider, stream, { type: 'LeaseAgentRun', data: { run_id: runId, worker_key: 'forger', lease_id, now: new Date().toISOString(), lease_ms: LEASE_MS } }, ctx);
      const forged = sendCommand(opened.store, agentRunDecider, stream, {
        type: 'StartToolInvocation',
        data: { run_id: runId, lease_id, invocation_id: waiting.waiting_for.invocation_id, step: 1, tool_id: null, tool_version_id: toolVersionId, tool_code: 'lookup_order', input_json: { order_id: '999' }, idempotency_key: `${runId}:1:0`, tool_call_id: 'call_1' },
      }, ctx);
      const refused = await forged.then(() => undefined, (error: unknown) => error);
      expect(refused).to.be.instanceOf(ConflictError);
      expect(refused).to.have.property('code', 'TOOL_INPUT_NOT_APPROVED');
    } finally {
      await opened.close();
    }
    // The forger's lease runs out; the sweeper of the next platform resumes the run, which calls the approved input.
    server = await startServer(env);
    const run = await ended(runId);
    expect(run).to.deep.include({ status: 'completed' });
    expect(tool.calls.map((c) => c.body)).to.deep.equal([{ order_id: '123' }]);
  });
});
});
