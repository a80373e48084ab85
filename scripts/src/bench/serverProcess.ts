import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** The built entry point of `npm start`: the bench measures what ships. */
export const START_SCRIPT = fileURLToPath(new URL('../start.js', import.meta.url));
const HEALTH_TIMEOUT_MS = 30_000;
const KILL_AFTER_MS = 5_000;

export type ServerProcess = {
  url: string;
  /** The tail of what it wrote, which explains a failed start. */
  output: () => string;
  /** SIGTERM, then SIGKILL if it has not exited after a while. */
  stop: () => Promise<void>;
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

const waitUntilHealthy = async (baseUrl: string, child: ChildProcess): Promise<void> => {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited(child)) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before GET /health answered`);
    }
    const status = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1000) }).then(
      async (response) => {
        await response.body?.cancel();
        return response.status;
      },
      () => undefined,
    );
    if (status === 200) return;
    await sleep(200);
  }
  throw new Error(`GET /health did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s`);
};

/**
 * The all-in-one server in a process of its own, on a free port of the loopback interface, once it
 * answers GET /health. A server that does not start is stopped, and the error says what it wrote last.
 */
export const startServerProcess = async (env: Record<string, string>): Promise<ServerProcess> => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [START_SCRIPT], {
    env: { ...process.env, AGENT_PLATFORM_LOG_LEVEL: 'warn', ...env, AGENT_PLATFORM_PORT: String(port), AGENT_PLATFORM_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async (): Promise<void> => {
    if (exited(child)) return;
    const exit = once(child, 'exit');
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    await exit;
    clearTimeout(killer);
  };
  try {
    await waitUntilHealthy(url, child);
  } catch (error) {
    await stop();
    // Stack frames and dumped error properties are indented or close a bracket; the message is not.
    const said = output.split('\n').filter((line) => /^[^\s}\])]/.test(line)).at(-1);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(said ? `${reason}; server said: ${said.slice(0, 300)}` : reason);
  }
  return { url, output: () => output, stop };
};
