import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { measure, type Cell, type Timing } from './measure.js';

export type HttpOutcome = { cell: Cell } | { notMeasured: string };

const START_SCRIPT = fileURLToPath(new URL('../start.js', import.meta.url));
const HEALTH_TIMEOUT_MS = 30_000;
const KILL_AFTER_MS = 5_000;
const OPEN_SESSION = JSON.stringify({ app_id: 'app-1', user_id: 'user-1', channel_type: 'web' });

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

const stop = async (child: ChildProcess): Promise<void> => {
  if (exited(child)) return;
  const exit = once(child, 'exit');
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  await exit;
  clearTimeout(killer);
};

/**
 * The whole command path of the all-in-one server (HTTP, validation, decider, append) as a client
 * sees it. The server may not exist yet or may fail to start; that is reported, not thrown, so the
 * rest of the bench still counts.
 */
export const measureHttp = async (databaseUrl: string, clients: number, timing: Timing): Promise<HttpOutcome> => {
  if (!existsSync(START_SCRIPT)) return { notMeasured: `${relative(process.cwd(), START_SCRIPT)} does not exist` };
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [START_SCRIPT], {
    env: {
      ...process.env,
      AGENT_PLATFORM_DATABASE_URL: databaseUrl,
      AGENT_PLATFORM_PORT: String(port),
      AGENT_PLATFORM_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The tail of the server's output explains a failed start.
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  server.stdout?.on('data', keep);
  server.stderr?.on('data', keep);
  try {
    await waitUntilHealthy(baseUrl, server);
    const cell = await measure(clients, timing, () => async () => {
      const response = await fetch(`${baseUrl}/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: OPEN_SESSION,
      });
      const body = await response.text();
      if (response.status !== 201) throw new Error(`POST /sessions answered ${response.status}: ${body.slice(0, 200)}`);
    });
    return { cell };
  } catch (error) {
    // Stack frames and dumped error properties are indented or close a bracket; the message is not.
    const said = output.split('\n').filter((line) => /^[^\s}\])]/.test(line)).at(-1);
    const reason = error instanceof Error ? error.message : String(error);
    return { notMeasured: said ? `${reason}; server said: ${said.slice(0, 300)}` : reason };
  } finally {
    await stop(server);
  }
};
