import { expect } from 'chai';
import pino from 'pino';
import { ConflictError, SKILL_RUNS_CATEGORY, SKILLS_CATEGORY, streamId, type SkillRunCommand } from '@agent-platform/contracts';
import { sendCommand, skillDecider, skillRunDecider } from '@agent-platform/command-api/commands';
import { CodeRunnerUnavailable, type CodeRunRequest, type CodeRunResult, type CodeRunner, type HttpToolRequest, type HttpToolResult } from '@agent-platform/infra';
import { createInMemoryEventStore, type InMemoryEventStore } from '@agent-platform/infra/testing';
import { createRunKernel } from '../kernel/executor.js';
import { createSkillVersions } from './definitions.js';
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
      skillRunKind({ versions: createSkillVersions(store), callTool, secrets: new Map(), redact: (v) => v, codeRunner, log: silent }),
      { store, log: silent, leaseMs: 15_000, maxAttempts: 3 },
    );
  const sendRun = (command: SkillRunCommand) => sendCommand(store, skillRunDecider, streamId(SKILL_RUNS_CATEGORY, RUN), command, ws);
  const given = async (version: { runtime_type: 'template' | 'http' | 'code'; implementation_json: Record<string, unknown>; output_schema_json?: Record<string, unknown> }, input_json: Record<string, unknown> = {}) => {
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
