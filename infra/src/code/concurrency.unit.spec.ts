import { expect } from 'chai';
import { CodeRunnerBusy, limitConcurrency } from './concurrency.js';
import type { CodeRunner, CodeRunRequest, CodeRunResult } from './port.js';

const RESULT: CodeRunResult = { stdout: '', stderr: '', exitCode: 0, result: null, durationMs: 1, timedOut: false };

/** A runner whose runs end when the test says: `started` lists their code, `finish(code)` ends one. */
const heldRunner = () => {
  const started: string[] = [];
  const pending = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  const runner: CodeRunner = {
    describe: () => ({ available: true, isolation: 'test', languages: ['python'] }),
    run: (request) =>
      new Promise((resolve, reject) => {
        started.push(request.code);
        pending.set(request.code, { resolve: () => resolve(RESULT), reject });
      }),
  };
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  return { runner, started, tick, finish: (code: string) => pending.get(code)!.resolve(), fail: (code: string) => pending.get(code)!.reject(new Error('boom')) };
};

const request = (code: string, signal?: AbortSignal): CodeRunRequest => ({ language: 'python', code, input: null, timeoutMs: 1000, ...(signal ? { signal } : {}) });

describe('limitConcurrency', () => {
  it('runs at most the limit at once, and starts the waiting runs in order as others end', async () => {
    const held = heldRunner();
    const limited = limitConcurrency(held.runner, { running: 2, waiting: 10 });
    const settled = Promise.allSettled(['a', 'b', 'c', 'd'].map((code) => limited.run(request(code))));
    await held.tick();
    expect(held.started).to.deep.equal(['a', 'b']);
    held.finish('b');
    await held.tick();
    expect(held.started).to.deep.equal(['a', 'b', 'c']);
    held.fail('a'); // a failed run frees its place too
    await held.tick();
    expect(held.started).to.deep.equal(['a', 'b', 'c', 'd']);
    held.finish('c');
    held.finish('d');
    expect((await settled).map((s) => s.status)).to.deep.equal(['rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
  });

  it('refuses a run at once with CODE_RUNNER_BUSY when the queue is full', async () => {
    const held = heldRunner();
    const limited = limitConcurrency(held.runner, { running: 1, waiting: 1 });
    void limited.run(request('a'));
    void limited.run(request('b'));
    let thrown: unknown;
    await limited.run(request('c')).catch((error: unknown) => (thrown = error));
    expect(thrown).to.be.instanceOf(CodeRunnerBusy);
    expect(thrown).to.have.property('code', 'CODE_RUNNER_BUSY');
    expect(held.started).to.deep.equal(['a']);
  });

  it('lets a waiting run whose caller aborts leave the queue without ever starting it', async () => {
    const held = heldRunner();
    const limited = limitConcurrency(held.runner, { running: 1, waiting: 5 });
    void limited.run(request('a'));
    const controller = new AbortController();
    const aborted = limited.run(request('b', controller.signal));
    const next = limited.run(request('c'));
    controller.abort();
    let thrown: unknown;
    await aborted.catch((error: unknown) => (thrown = error));
    expect(thrown).to.be.instanceOf(Error);
    held.finish('a');
    await held.tick();
    expect(held.started).to.deep.equal(['a', 'c']);
    held.finish('c');
    expect(await next).to.deep.equal(RESULT);
  });
});
