import { expect } from 'chai';
import pino from 'pino';
import { AGENT_RUNS_CATEGORY, AGENTS_CATEGORY, ConflictError, SESSIONS_CATEGORY, SKILL_RUNS_CATEGORY, SKILLS_CATEGORY, streamId, toEnvelope, type SkillRunCommand } from '@agent-platform/contracts';
import { agentDecider, agentRunDecider, sendCommand, skillDecider, skillRunDecider } from '@agent-platform/command-api/commands';
import { CodeRunnerUnavailable, type CodeRunRequest, type CodeRunResult, type CodeRunner, type HttpToolRequest, type HttpToolResult } from '@agent-platform/infra';
import { createInMemoryEventStore, type InMemoryEventStore } from '@agent-platform/infra/testing';
import { createRunKernel } from '../kernel/executor.js';
import { agentRunIdOf } from './agent.js';
import { createSkillVersions } from './definitions.js';
import { agentEndings } from './endings.js';
import { skillRunKind } from './kind.js';

const silent = pino({ level: 'silent' });
const SKILL = '33333333-3333-4333-8333-333333333333';
const VERSION = '00000000-0000-4000-8000-0000000000c1';
const RUN = '55555555-5555-4555-8555-555555555555';
const DEAD_LEASE = '66666666-6666-4666-8666-666666666666';
const ws = { workspaceId: 'ws-1' };

/** A fake code runner: answers `answer` (or throws it) and keeps what it was asked. */
const fakeRunner = (answer: Partial<CodeRunResult> | Error): CodeRunner & { asked: CodeRunRequest[] } => {
  const asked: CodeRunRequest[] = [];
  return {
    asked,
    run: async (request) => {
      asked.push(request);
      if (answer instanceof Error) throw answer;
      return { stdout: '', stderr: '', exitCode: 0, result: null, durationMs: 1, timedOut: false, ...answer };
    },
    describe: () => ({ available: true, isolation: 'fake', languages: ['python', 'javascript'] }),
  };
};

describe('skill runs, driven on the kernel', () => {
  let store: InMemoryEventStore;
  let calls: HttpToolRequest[];
  let answer: HttpToolResult;
  beforeEach(() => {
    store = createInMemoryEventStore();
    calls = [];
    answer = { ok: true, status: 200, output: { status: 'shipped' }, durationMs: 1 };
  });
  const callTool = async (request: HttpToolRequest) => {
    calls.push(request);
    return answer;
  };
  const kernelOf = (codeRunner?: CodeRunner) =>
    createRunKernel(
      skillRunKind({ store, versions: createSkillVersions(store), callTool, secrets: new Map(), redact: (v) => v, codeRunner, maxCodeTimeoutSeconds: 30, log: silent }),
      { store, log: silent, leaseMs: 15_000, maxAttempts: 3 },
    );
  const sendRun = (command: SkillRunCommand) => sendCommand(store, skillRunDecider, streamId(SKILL_RUNS_CATEGORY, RUN), command, ws);
  const given = async (version: { runtime_type: 'template' | 'http' | 'code' | 'agent'; implementation_json: Record<string, unknown>; output_schema_json?: Record<string, unknown> }, input_json: Record<string, unknown> = {}) => {
    const skill = streamId(SKILLS_CATEGORY, SKILL);
    await sendCommand(store, skillDecider, skill, { type: 'CreateSkill', data: { skill_id: SKILL, workspace_id: 'ws-1', code: 's', name: 'S', skill_type: 't' } }, ws);
    await sendCommand(
      store,
      skillDecider,
      skill,
      { type: 'CreateSkillVersion', data: { skill_id: SKILL, version_id: VERSION, workspace_id: 'ws-1', status: 'published', parameter_schema_json: {}, output_schema_json: {}, ...version } },
      ws,
    );
    await sendRun({
      type: 'QueueSkillRun',
      data: { run_id: RUN, skill_id: SKILL, skill_version_id: VERSION, runtime_type: version.runtime_type, input_json, auto_execute: false, workspace_id: 'ws-1' },
    });
  };
  const run = async (codeRunner?: CodeRunner) => (await kernelOf(codeRunner).start(RUN, { workerKey: 'w1' })).done;
  const types = async () => (await store.readStream(streamId(SKILL_RUNS_CATEGORY, RUN))).map((e) => e.type);
  const http = { runtime_type: 'http' as const, implementation_json: { method: 'POST', base_url: 'https://orders.example', path: '/lookup' } };

  it('renders a template, recording no call: it has no effect', async () => {
    await given({ runtime_type: 'template', implementation_json: { template: 'Hello $name' } }, { name: 'Lucas' });
    expect(await run()).to.deep.include({ status: 'completed', output_text: 'Hello Lucas', output_json: { text: 'Hello Lucas' }, calls: 0 });
    expect(await types()).to.deep.equal(['SkillRunQueued', 'SkillRunLeased', 'SkillRunCompleted']);
  });

  describe('an http skill', () => {
    it('records its call as started before making it, with the run’s idempotency key', async () => {
      await given(http, { order_id: 'A-1' });
      expect(await run()).to.deep.include({ status: 'completed', output_json: { status: 'shipped' }, output_text: null, calls: 1 });
      expect(await types()).to.deep.equal(['SkillRunQueued', 'SkillRunLeased', 'SkillCallStarted', 'SkillRunCompleted']);
      expect(calls).to.deep.equal([{ method: 'POST', url: 'https://orders.example/lookup', headers: {}, input: { order_id: 'A-1' }, idempotencyKey: `${RUN}:call`, timeoutMs: 10_000 }]);
    });

    it('resumed after its worker died mid-call, makes the call again with the same key, and says it was the second', async () => {
      await given(http, { order_id: 'A-1' });
      // A worker took the run long ago, started the call, and died: its lease has run out.
      await sendRun({ type: 'LeaseSkillRun', data: { run_id: RUN, lease_id: DEAD_LEASE, worker_key: 'dead', now: '2020-01-01T00:00:00.000Z', lease_ms: 1000 } });
      await sendRun({ type: 'StartSkillCall', data: { run_id: RUN, lease_id: DEAD_LEASE, idempotency_key: `${RUN}:call` } });
      expect(await run()).to.deep.include({ status: 'completed', calls: 2, attempts: 2 });
      expect(calls.map((c) => c.idempotencyKey)).to.deep.equal([`${RUN}:call`]);
    });

    it('is never called again once its run ended', async () => {
      await given(http);
      await run();
      const again = await kernelOf().start(RUN, { workerKey: 'w2' }).catch((error: unknown) => error);
      expect(again).to.be.instanceOf(ConflictError).with.property('code', 'SKILL_RUN_ENDED');
      expect(calls).to.have.length(1);
    });

    it('fails with the tool invoker’s error when the call fails', async () => {
      await given(http);
      answer = { ok: false, error: { code: 'TOOL_ADDRESS_FORBIDDEN', message: 'no' }, durationMs: 0 };
      expect((await run()).error).to.deep.equal({ code: 'TOOL_ADDRESS_FORBIDDEN', message: 'no' });
    });

    it('fails, calling nothing, when a header’s secret is not set', async () => {
      await given({ ...http, implementation_json: { ...http.implementation_json, headers: { authorization: 'Bearer ${secret:CRM_TOKEN}' } } });
      expect((await run()).error?.code).to.equal('TOOL_SECRET_MISSING');
      expect(calls).to.deep.equal([]);
      expect(await types()).to.not.include('SkillCallStarted');
    });
  });

  describe('an agent skill', () => {
    const AGENT = '88888888-8888-4888-8888-888888888888';
    const AGENT_VERSION = '99999999-9999-4999-8999-999999999999';
    const agentRun = agentRunIdOf(RUN);
    const publishAgent = async () => {
      const agent = streamId(AGENTS_CATEGORY, AGENT);
      await sendCommand(store, agentDecider, agent, { type: 'CreateAgent', data: { agent_id: AGENT, workspace_id: 'ws-1', code: 'a', name: 'A', agent_type: 'assistant' } }, ws);
      const definition = { role: null, goal: null, system_prompt: null, model_config: { react_enabled: false, react_max_steps: 5, ask_human_enabled: false }, memory_policy: { enabled: false, memory_scope: 'session' as const, read_top_k: 5, write_enabled: false, config_json: {} }, tool_refs: [], skill_refs: [], knowledge_refs: [] };
      await sendCommand(store, agentDecider, agent, { type: 'CreateAgentVersion', data: { agent_id: AGENT, version_id: AGENT_VERSION, workspace_id: 'ws-1', status: 'published', ...definition } }, ws);
    };
    const skill = { runtime_type: 'agent' as const, implementation_json: { agent_id: AGENT, input_template: 'Greet $name' } };
    /** The agent run ends, as the agent-runs processors would record it, and its end is delivered. */
    const agentRunEnds = async (answer: string) => {
      const kernel = kernelOf();
      await sendCommand(store, agentRunDecider, streamId(AGENT_RUNS_CATEGORY, agentRun), { type: 'LeaseAgentRun', data: { run_id: agentRun, worker_key: 'a', lease_id: DEAD_LEASE, now: new Date().toISOString(), lease_ms: 15_000 } }, ws);
      const { events } = await sendCommand(store, agentRunDecider, streamId(AGENT_RUNS_CATEGORY, agentRun), { type: 'CompleteAgentRun', data: { run_id: agentRun, lease_id: DEAD_LEASE, answer } }, ws);
      const endings = agentEndings({ store, kernel, workerKey: 'w2', concurrency: 1 });
      const delivery = toEnvelope(events[0]!, AGENT_RUNS_CATEGORY);
      await endings.handle(delivery, {} as never);
      return { again: () => endings.handle(delivery, {} as never) };
    };

    it('queues its agent run once, in a session of its own, caused by the skill run, and waits for it holding no lease', async () => {
      await publishAgent();
      await given(skill, { name: 'Lucas' });
      expect(await run()).to.deep.include({ status: 'awaiting_agent', agent_run_id: agentRun });
      const [queued] = await store.readStream(streamId(AGENT_RUNS_CATEGORY, agentRun));
      expect(queued).to.deep.include({ type: 'AgentRunQueued' });
      expect(queued!.data).to.deep.include({ agent_id: AGENT, agent_version_id: AGENT_VERSION, input_text: 'Greet Lucas', auto_execute: true });
      expect(queued!.metadata.causation_id).to.equal(RUN);
      const session = (queued!.data as { session_id: string }).session_id;
      expect((await store.readStream(streamId(SESSIONS_CATEGORY, session))).map((e) => e.type)).to.deep.equal(['SessionOpened']);
    });

    it('is not driven again while it waits: only its agent run’s end wakes it', async () => {
      await publishAgent();
      await given(skill, { name: 'Lucas' });
      await run();
      const again = await kernelOf().start(RUN, { workerKey: 'w2' }).catch((error: unknown) => error);
      expect(again).to.be.instanceOf(ConflictError).with.property('code', 'SKILL_RUN_WAITING');
      expect(await types()).to.deep.equal(['SkillRunQueued', 'SkillRunLeased', 'SkillRunDelegated']);
    });

    it('ends with the agent’s answer once the agent run ends, and a redelivery of that end changes nothing', async () => {
      await publishAgent();
      await given(skill, { name: 'Lucas' });
      await run();
      const { again } = await agentRunEnds('Hello Lucas!');
      const state = await store.readStream(streamId(SKILL_RUNS_CATEGORY, RUN));
      expect(state.map((e) => e.type)).to.deep.equal(['SkillRunQueued', 'SkillRunLeased', 'SkillRunDelegated', 'SkillAgentRunEnded', 'SkillRunLeased', 'SkillRunCompleted']);
      expect(state.at(-1)!.data).to.deep.include({ output_json: { answer: 'Hello Lucas!' }, output_text: 'Hello Lucas!' });
      await again();
      expect(await store.readStream(streamId(SKILL_RUNS_CATEGORY, RUN))).to.have.length(6);
    });

    it('resumed after it queued its agent run but before it recorded its wait, queues nothing twice', async () => {
      await publishAgent();
      await given(skill, { name: 'Lucas' });
      // A first attempt queued the agent run under the id the skill run derives, then its worker died.
      await sendCommand(
        store,
        agentRunDecider,
        streamId(AGENT_RUNS_CATEGORY, agentRun),
        { type: 'QueueAgentRun', data: { run_id: agentRun, agent_id: AGENT, agent_version_id: AGENT_VERSION, session_id: agentRun, input_text: 'Greet Lucas', auto_execute: true, dry_run: false, workspace_id: 'ws-1' } },
        { ...ws, causationId: RUN },
      );
      expect(await run()).to.deep.include({ status: 'awaiting_agent', agent_run_id: agentRun });
      expect(await store.readStream(streamId(AGENT_RUNS_CATEGORY, agentRun))).to.have.length(1);
    });

    it('woken by its agent run’s failure, fails saying so', async () => {
      await publishAgent();
      await given(skill, { name: 'Lucas' });
      await run();
      await sendRun({ type: 'RecordSkillAgentRunEnded', data: { run_id: RUN, agent_run_id: agentRun, status: 'failed', answer: null, error: { code: 'MODEL_CALL_FAILED', message: 'down' } } });
      expect((await run()).error?.code).to.equal('SKILL_AGENT_RUN_FAILED');
      expect(await store.readStream(streamId(AGENT_RUNS_CATEGORY, agentRun))).to.have.length(1);
    });

    it('leaves alone an agent run no skill run queued', async () => {
      await publishAgent();
      await given(skill, { name: 'Lucas' });
      await run();
      const other = '12121212-1212-4121-8121-121212121212';
      const { events } = await sendCommand(
        store,
        agentRunDecider,
        streamId(AGENT_RUNS_CATEGORY, other),
        { type: 'QueueAgentRun', data: { run_id: other, agent_id: AGENT, agent_version_id: AGENT_VERSION, session_id: other, input_text: 'x', auto_execute: false, dry_run: false, workspace_id: 'ws-1' } },
        { ...ws, causationId: RUN },
      );
      await agentEndings({ store, kernel: kernelOf(), workerKey: 'w', concurrency: 1 }).handle({ ...toEnvelope(events[0]!, AGENT_RUNS_CATEGORY), type: 'AgentRunCancelled', data: { run_id: other, reason: null } }, {} as never);
      expect((await store.readStream(streamId(SKILL_RUNS_CATEGORY, RUN))).map((e) => e.type)).to.not.include('SkillAgentRunEnded');
    });

    it('fails when its agent does not exist', async () => {
      await given(skill, { name: 'Lucas' });
      expect((await run()).error?.code).to.equal('AGENT_NOT_FOUND');
    });
  });

  describe('a code skill', () => {
    const program = { runtime_type: 'code' as const, implementation_json: { language: 'python', code: 'print(1)', timeout_seconds: 3 } };

    it('runs its program through the runner with the input; what it returns is the output, what it prints the text', async () => {
      await given(program, { n: 2 });
      const runner = fakeRunner({ stdout: '1\n', result: { doubled: 4 } });
      expect(await run(runner)).to.deep.include({ status: 'completed', output_json: { doubled: 4 }, output_text: '1\n', calls: 1 });
      expect(runner.asked).to.have.length(1);
      expect(runner.asked[0]).to.deep.include({ language: 'python', code: 'print(1)', input: { n: 2 }, timeoutMs: 3000 });
    });

    it('fails saying so where no runner is configured, starting nothing', async () => {
      await given(program);
      expect((await run()).error?.code).to.equal('SKILL_CODE_RUNNER_UNAVAILABLE');
      expect(await types()).to.not.include('SkillCallStarted');
    });

    it('fails saying so when the runner cannot isolate here', async () => {
      await given(program);
      expect((await run(fakeRunner(new CodeRunnerUnavailable('no namespaces')))).error?.code).to.equal('SKILL_CODE_RUNNER_UNAVAILABLE');
    });

    for (const [what, result, code] of [
      ['exits non-zero', { exitCode: 1, stderr: 'Traceback: boom' }, 'SKILL_CODE_FAILED'],
      ['times out', { exitCode: null, timedOut: true }, 'SKILL_CODE_TIMEOUT'],
    ] as const) {
      it(`fails a program that ${what}`, async () => {
        await given(program);
        expect((await run(fakeRunner(result))).error?.code).to.equal(code);
      });
    }

    it('fails a run whose output its output schema refuses', async () => {
      await given({ ...program, output_schema_json: { doubled: { type: 'integer' } } });
      expect((await run(fakeRunner({ result: { doubled: 'four' } }))).error).to.deep.include({ code: 'SKILL_OUTPUT_INVALID' });
    });

    it('fails a run whose output no store could keep, instead of failing its every append', async () => {
      await given(program);
      expect((await run(fakeRunner({ result: { note: 'a\u0000b' } }))).error?.code).to.equal('SKILL_OUTPUT_UNSTORABLE');
    });
  });
});
