import { expect } from 'chai';
import { leftoverProcesses, TEST_LIMITS } from '../../testing/sandbox.js';
import type { CodeLanguage, CodeRunner } from '../port.js';
import { createBwrapCodeRunner } from './runner.js';

/**
 * Programs that try to exhaust the host rather than read it: fork bombs, memory, output and disk floods,
 * endless loops. Each is stopped at its limit, and nothing of it outlives the run.
 */
describe('the bubblewrap code runner stops floods and bombs', function () {
  this.timeout(30_000);
  let runner: CodeRunner;
  const run = (language: CodeLanguage, code: string, timeoutMs = 10_000) => runner.run({ language, code, input: null, timeoutMs });
  before(async () => {
    runner = await createBwrapCodeRunner({ pythonBin: '/usr/bin/python3', limits: TEST_LIMITS });
  });

  it('contains a fork bomb under the process limit and leaves no process behind', async () => {
    const counted = await run('python', `
import os, time
forked = 0
for _ in range(500):
  try:
      if os.fork() == 0:
          time.sleep(30)
          os._exit(0)
      forked += 1
  except OSError:
      break
print(forked)
`);
    expect(Number(counted.stdout.trim())).to.be.below(TEST_LIMITS.maxProcesses);
    expect(counted.durationMs, 'its sleeping children die with it').to.be.below(10_000);

    const bomb = await run('python', 'import os\nos.system("bash -c \'bomb_7f3(){ bomb_7f3 | bomb_7f3 & }; bomb_7f3\'")\nwhile True: pass', 2000);
    expect(bomb.timedOut).to.equal(true);
    expect(await leftoverProcesses('bomb_7f3')).to.deep.equal([]);
  });

  it('kills an endless loop at the wall clock, with the children it started', async () => {
    const result = await run('python', 'import subprocess\nsubprocess.Popen(["/usr/bin/sleep", "317.25"])\nwhile True: pass', 1000);
    expect(result).to.deep.include({ timedOut: true, exitCode: null });
    expect(result.durationMs).to.be.within(1000, 5000);
    expect(await leftoverProcesses('317.25')).to.deep.equal([]);
  });

  it('refuses a memory flood, private or shared, in both languages', async () => {
    const python = await run('python', `
import mmap
for attempt in ['x = bytearray(1 << 30)', 'm = mmap.mmap(-1, 1 << 30, flags=mmap.MAP_SHARED); m[(1 << 30) - 1] = 1']:
  try:
      exec(attempt)
      print('ALLOCATED', attempt)
  except (MemoryError, OSError):
      pass
`);
    expect(python.stdout).not.to.contain('ALLOCATED');
    const javascript = await run('javascript', "try { Buffer.alloc(2 ** 30, 1); console.log('ALLOCATED'); } catch (error) { console.log(error.code ?? error.name); }");
    expect(javascript.stdout).not.to.contain('ALLOCATED');
  });

  it('kills a program that floods its output, keeping at most the cap', async () => {
    for (const [language, code] of [['python', 'while True: print("x" * 1000)'], ['javascript', 'for (;;) process.stdout.write("x".repeat(1000) + "\\n")']] as const) {
      const result = await run(language, code);
      expect(result).to.deep.include({ exitCode: null, timedOut: false });
      expect(result.stdout.length).to.be.within(1, TEST_LIMITS.maxOutputBytes);
      expect(result.durationMs).to.be.below(10_000);
    }
  });

  it('fills no more disk than the working directory holds, in one file or many', async () => {
    const { stdout } = await run('python', `
written = 0
try:
  for name in range(8):
      with open(f'file{name}', 'wb') as f:
          for _ in range(8):
              f.write(b'x' * (1 << 20))
              f.flush()
              written += 1 << 20
except OSError:
  pass
print(written)
`);
    expect(Number(stdout.trim())).to.be.at.most(TEST_LIMITS.diskBytes);
  });
});
