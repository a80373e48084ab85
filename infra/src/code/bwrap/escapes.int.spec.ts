import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { expect } from 'chai';
import type { CodeLanguage, CodeRunner } from '../port.js';
import { createBwrapCodeRunner } from './runner.js';
import { TEST_LIMITS } from '../../testing/sandbox.js';

/**
 * Every escape a hostile program tries, tried for real against the sandbox on this host, each asserted to
 * fail: the network (loopback included), the host's files and environment, writes outside the working
 * directory, and the preload and `constructor.constructor` tricks that broke peers' sandboxes
 * (dify-sandbox #27, cohere-terrarium #14). Floods and bombs: floods.int.spec.ts.
 */
describe('the bubblewrap code runner holds against escapes', function () {
  this.timeout(30_000);
  let runner: CodeRunner;
  let hostPasswd: string;
  const run = (language: CodeLanguage, code: string, timeoutMs = 10_000) => runner.run({ language, code, input: null, timeoutMs });

  before(async () => {
    runner = await createBwrapCodeRunner({ pythonBin: '/usr/bin/python3', limits: TEST_LIMITS });
    expect(runner.describe(), 'this host must be able to isolate (CI installs bubblewrap)').to.deep.include({ available: true, languages: ['python', 'javascript'] });
    hostPasswd = await readFile('/etc/passwd', 'utf8');
  });

  describe('the network', () => {
    let server: net.Server;
    let port: number;
    let connections = 0;
    before(async () => {
      server = net.createServer((socket) => {
        connections++;
        socket.end('host data');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as net.AddressInfo).port;
    });
    after(() => new Promise((resolve) => server.close(resolve)));

    it("cannot reach a port on the host's loopback, nor PostgreSQL's, nor any address outside", async () => {
      const { stdout } = await run('python', `
import socket
for host, port in [('127.0.0.1', ${port}), ('127.0.0.1', 5432), ('::1', ${port}), ('1.1.1.1', 53), ('10.0.0.1', 80)]:
    try:
        socket.create_connection((host, port), timeout=1).close()
        print('CONNECTED', host, port)
    except OSError:
        pass
print('interfaces', sorted(name for _, name in socket.if_nameindex()))
`);
      expect(stdout).not.to.contain('CONNECTED');
      expect(stdout).to.contain("interfaces ['lo']");
      expect(connections).to.equal(0);
    });

    it('cannot reach the host from JavaScript either', async () => {
      const { stdout } = await run('javascript', `
const net = require('net');
const socket = net.connect(${port}, '127.0.0.1', () => console.log('CONNECTED'));
socket.on('error', (error) => console.log(error.code));
`);
      expect(stdout.trim()).to.equal('ECONNREFUSED');
      expect(connections).to.equal(0);
    });
  });

  describe("the host's files and environment", () => {
    const canary = 'sk-canary-7c1f0e2b';
    before(() => {
      process.env.AGENT_PLATFORM_PROVIDER_API_KEY_CANARY = canary;
    });
    after(() => {
      delete process.env.AGENT_PLATFORM_PROVIDER_API_KEY_CANARY;
    });

    it("sees none of the platform's environment, only the sandbox's own variables", async () => {
      const { stdout } = await run('python', 'import json, os\nprint(json.dumps(dict(os.environ)))\nprint(open("/proc/self/environ").read(), open("/proc/1/environ").read())');
      expect(stdout).not.to.contain(canary);
      expect(Object.keys(JSON.parse(stdout.split('\n')[0]!)).sort()).to.deep.equal(['HOME', 'LANG', 'PATH', 'PWD', 'TMPDIR', 'UV_THREADPOOL_SIZE']);
    });

    it("reads no /etc/passwd, nothing of /root, /work, /home, /etc or the platform's checkout, and sees no host process", async () => {
      const { stdout } = await run('python', `
import os
for path in ['/etc/passwd', '/etc/shadow', '/etc/hostname', '/root', '/work', '/home', '/etc', '/var', ${JSON.stringify(process.cwd())}, '/proc/${process.pid}/environ']:
    try:
        print('READ', path, os.listdir(path) if os.path.isdir(path) else open(path).read()[:100])
    except OSError:
        pass
print('pids', [p for p in os.listdir('/proc') if p.isdigit()])
`);
      expect(stdout).not.to.contain('READ');
      expect(stdout).not.to.contain(hostPasswd.split('\n')[0]);
      expect(JSON.parse(/pids (.*)/.exec(stdout)![1]!.replaceAll("'", '"')).length, 'its own few processes only').to.be.below(5);
    });

    it('writes nowhere but its working directory, and the next run finds that directory empty', async () => {
      const { stdout } = await run('python', `
for path in ['/x', '/usr/x', '/dev/x', '/dev/shm/x', '/etc/x', '/proc/x', '/sandbox/kept', '/tmp/kept2']:
    try:
        open(path, 'w').write('x')
        print('WROTE', path)
    except OSError:
        pass
`);
      expect(stdout.trim().split('\n')).to.deep.equal(['WROTE /sandbox/kept', 'WROTE /tmp/kept2']);
      const next = await run('python', 'import os\nprint(sorted(os.listdir(".")))');
      expect(next.stdout.trim()).to.equal("['input.json', 'main.py']");
    });
  });

  describe('the kernel beyond the namespaces', () => {
    it('denies the keyrings, ptrace, io_uring, bpf and unshare with EPERM: a seccomp filter bubblewrap installs before the program starts', async function () {
      if (process.arch !== 'x64') this.skip(); // the numbers below are x86-64's; the filter has arm64's too
      const { stdout, stderr } = await run('python', `
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
calls = {
    'add_key': lambda: libc.syscall(248, b'user', b'channel', b'data', 4, -4),
    'keyctl': lambda: libc.syscall(250, 1, None),
    'ptrace': lambda: libc.syscall(101, 0, 0, 0, 0),
    'io_uring_setup': lambda: libc.syscall(425, 1, ctypes.create_string_buffer(120)),
    'bpf': lambda: libc.syscall(321, 0, None, 0),
    'unshare': lambda: libc.syscall(272, 0x20000),
}
for name, call in calls.items():
    print(name, call(), os.strerror(ctypes.get_errno()))
`);
      expect(runner.describe().isolation).to.equal('bubblewrap+seccomp');
      const lines = stdout.trim().split('\n');
      expect(lines, stderr).to.have.length(6);
      for (const line of lines) expect(line, line).to.match(/ -1 Operation not permitted$/);
    });
  });

  describe('the preload and constructor tricks', () => {
    const planted = {
      LD_PRELOAD: '/nonexistent/ld-preload-canary.so',
      NODE_OPTIONS: '--require /nonexistent/node-options-canary.js',
      PYTHONSTARTUP: '/nonexistent/python-startup-canary.py',
      PYTHONPATH: '/nonexistent/python-path-canary',
      PYTHONINSPECT: '1',
    };
    before(() => Object.assign(process.env, planted));
    after(() => {
      for (const name of Object.keys(planted)) delete process.env[name];
    });

    it("honours no preload variable of the platform's, in bubblewrap or the interpreters", async () => {
      for (const [language, code] of [['python', 'import os, sys\nprint(sorted(os.environ), sys.path)'], ['javascript', 'console.log(Object.keys(process.env).sort(), process.execArgv)']] as const) {
        const result = await run(language, code);
        expect(result.exitCode, result.stderr).to.equal(0);
        // ld.so names a preload it cannot open on the stderr of any process it was given to, bubblewrap included.
        expect(result.stdout + result.stderr).not.to.contain('canary');
        expect(result.stdout).not.to.match(/LD_PRELOAD|NODE_OPTIONS|PYTHON/);
      }
    });

    it('gives JavaScript that reaches process and child_process through constructor.constructor nothing of the host', async () => {
      const { stdout, stderr } = await run('javascript', `
const proc = this.constructor.constructor('return process')();
const cp = this.constructor.constructor('return require')()('child_process');
const cat = cp.spawnSync('cat', ['/etc/passwd', '/proc/${process.pid}/environ'], { encoding: 'utf8' });
console.log('cat', cat.status, JSON.stringify(cat.stdout));
let signalled = 'no';
try { proc.kill(${process.pid}, 0); signalled = 'yes'; } catch (error) { signalled = error.code; }
console.log('kill', signalled, JSON.stringify(proc.env));
`);
      expect(stdout, stderr).to.contain('cat 1 ""');
      expect(stdout).to.contain('kill ESRCH');
      expect(stdout).not.to.contain(hostPasswd.split('\n')[0]);
    });
  });
});
