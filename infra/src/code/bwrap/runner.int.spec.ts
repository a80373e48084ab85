import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { TEST_LIMITS } from '../../testing/sandbox.js';
import { CodeRunnerUnavailable, type CodeLanguage, type CodeRunner } from '../port.js';
import { createBwrapCodeRunner } from './runner.js';

/** The result protocol (docs/code-runner.md), and a runner that cannot isolate refusing instead of running. */
describe('the bubblewrap code runner', function () {
  this.timeout(30_000);
  let runner: CodeRunner;
  const run = (language: CodeLanguage, code: string, input: unknown = null, timeoutMs = 10_000) => runner.run({ language, code, input, timeoutMs });
  before(async () => {
    runner = await createBwrapCodeRunner({ pythonBin: '/usr/bin/python3', limits: TEST_LIMITS });
  });

  it('describes its isolation (a seccomp filter on x64) and both languages where the sandbox can be made', () => {
    expect(runner.describe()).to.deep.equal({ available: true, isolation: 'bubblewrap+seccomp', languages: ['python', 'javascript'] });
  });

  describe('the result protocol', () => {
    it('gives Python its input as input_json and on stdin, and answers what it printed and the result it set', async () => {
      const answer = await run('python', 'import sys, json\nprint(input_json["name"], json.load(sys.stdin)["name"])\nresult = {"greeting": "Hello " + input_json["name"]}', { name: 'Lucas' });
      expect(answer).to.deep.include({ stdout: 'Lucas Lucas\n', stderr: '', exitCode: 0, result: { greeting: 'Hello Lucas' }, timedOut: false });
      expect(answer.durationMs).to.be.a('number').and.to.be.above(0);
    });

    it('gives JavaScript the same, with result a let, a var or an assignment', async () => {
      for (const declaration of ['let result =', 'var result =', 'result =']) {
        const answer = await run('javascript', `console.log(input_json.n);\n${declaration} { doubled: input_json.n * 2 };`, { n: 21 });
        expect(answer, declaration).to.deep.include({ stdout: '21\n', exitCode: 0, result: { doubled: 42 } });
      }
    });

    it('awaits a promise set as the JavaScript result', async () => {
      const answer = await run('javascript', 'result = new Promise((resolve) => setTimeout(() => resolve([1, 2]), 20));');
      expect(answer).to.deep.include({ exitCode: 0, result: [1, 2] });
    });

    it('answers a null result when the program sets none, and the input null when none is given', async () => {
      expect(await run('python', 'print(input_json)')).to.deep.include({ stdout: 'None\n', result: null, exitCode: 0 });
      expect(await run('javascript', 'console.log(input_json)')).to.deep.include({ stdout: 'null\n', result: null, exitCode: 0 });
    });

    it('fails a run whose result is not JSON, with exit code 1 and no result', async () => {
      expect(await run('python', 'result = {1, 2}')).to.deep.include({ exitCode: 1, result: null });
      expect(await run('python', 'result = float("nan")')).to.deep.include({ exitCode: 1, result: null });
      expect(await run('javascript', 'result = { big: 1n }')).to.deep.include({ exitCode: 1, result: null });
    });

    it("answers an uncaught error with exit code 1 and the program's own traceback", async () => {
      const python = await run('python', 'def f():\n    raise ValueError("boom")\nf()');
      expect(python.exitCode).to.equal(1);
      expect(python.stderr).to.contain('/sandbox/main.py", line 2').and.to.contain('ValueError');
      expect(python.stderr, 'the launcher is not among its frames').not.to.contain('_run');
      const javascript = await run('javascript', 'throw new TypeError("boom")');
      expect(javascript.exitCode).to.equal(1);
      expect(javascript.stderr).to.contain('/sandbox/main.js:1').and.to.contain('TypeError');
    });

    it('passes on the exit code the program chose, keeping the result it set before', async () => {
      expect(await run('python', 'import sys\nresult = 7\nsys.exit(3)')).to.deep.include({ exitCode: 3, result: 7 });
      expect(await run('javascript', 'result = 7; process.exitCode = 4;')).to.deep.include({ exitCode: 4, result: 7 });
    });

    it('keeps the launcher out of the program: its own names are free', async () => {
      expect(await run('javascript', "const fs = require('fs'); const vm = 1; result = typeof fs.readFileSync")).to.deep.include({ exitCode: 0, result: 'function' });
      expect(await run('python', 'result = sorted(k for k in globals() if not k.startswith("__"))')).to.deep.include({ result: ['input_json'] });
    });

    it('stops the program when the caller aborts, without calling it a timeout', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const answer = await runner.run({ language: 'python', code: 'while True: pass', input: null, timeoutMs: 10_000, signal: controller.signal });
      expect(answer).to.deep.include({ exitCode: null, timedOut: false });
      expect(answer.durationMs).to.be.below(5000);
    });
  });

  it("runs a virtualenv's Python with the virtualenv's packages, its directory bound read-only", async () => {
    const root = await mkdtemp('/var/tmp/venv-'); // not under /tmp: that is the sandbox's own
    try {
      await chmod(root, 0o755); // the sandbox's user must be able to read it
      await promisify(execFile)('/usr/bin/python3', ['-m', 'venv', '--without-pip', root]);
      const sitePackages = (await promisify(execFile)(path.join(root, 'bin', 'python'), ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'])).stdout.trim();
      await writeFile(path.join(sitePackages, 'venv_marker.py'), 'VALUE = 42\n');
      const inVenv = await createBwrapCodeRunner({ pythonBin: path.join(root, 'bin', 'python'), limits: TEST_LIMITS });
      const answer = await inVenv.run({ language: 'python', code: 'import sys, venv_marker\nresult = [sys.prefix, venv_marker.VALUE]', input: null, timeoutMs: 5000 });
      expect(answer, answer.stderr).to.deep.include({ exitCode: 0, result: [root, 42] });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  describe('where the sandbox cannot be made', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'no-userns-'));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    const expectRefused = async (refusing: CodeRunner, language: CodeLanguage) => {
      let thrown: unknown;
      try {
        await refusing.run({ language, code: 'print(1)', input: null, timeoutMs: 1000 });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(CodeRunnerUnavailable);
      expect(thrown).to.have.property('code', 'CODE_RUNNER_UNAVAILABLE');
    };

    it('refuses every run, and says so, when bubblewrap is not installed', async () => {
      const refusing = await createBwrapCodeRunner({ pythonBin: '/usr/bin/python3', limits: TEST_LIMITS, bwrap: path.join(dir, 'absent') });
      expect(refusing.describe()).to.deep.include({ available: false, isolation: 'bubblewrap+seccomp', languages: [] });
      expect(refusing.describe().reason).to.be.a('string');
      await expectRefused(refusing, 'python');
      await expectRefused(refusing, 'javascript');
    });

    it('refuses every run when the host does not permit user namespaces, never running the program bare', async () => {
      const bwrap = path.join(dir, 'bwrap');
      // What bubblewrap does on such a host: it says why and exits 1, before running anything.
      await writeFile(bwrap, `#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n`);
      await chmod(bwrap, 0o755);
      const refusing = await createBwrapCodeRunner({ pythonBin: '/usr/bin/python3', limits: TEST_LIMITS, bwrap });
      expect(refusing.describe()).to.deep.include({ available: false, languages: [] });
      await expectRefused(refusing, 'python');
    });

    it('refuses Python alone when its interpreter cannot be found', async () => {
      const partial = await createBwrapCodeRunner({ pythonBin: path.join(dir, 'python3'), limits: TEST_LIMITS });
      expect(partial.describe()).to.deep.include({ available: true, languages: ['javascript'] });
      await expectRefused(partial, 'python');
      expect(await partial.run({ language: 'javascript', code: 'result = 1', input: null, timeoutMs: 5000 })).to.deep.include({ result: 1 });
    });
  });
});
