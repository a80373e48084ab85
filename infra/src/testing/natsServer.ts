import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { StartupError } from '../errors.js';

export const NATS_SERVER_BINARY = '/usr/sbin/nats-server';

/** A NATS server with JetStream that this test process owns, for tests that stop and kill it on purpose. */
export type NatsServer = {
  url: string;
  /** Shuts the server down gracefully; its store stays for `restart`. */
  stop: () => Promise<void>;
  /** Kills the server at once (SIGKILL), as a crash would; its store stays for `restart`. */
  kill: () => Promise<void>;
  /** Starts it again on the same port and store, stopping it first if it runs. */
  restart: () => Promise<void>;
  /** Stops it and deletes its store. */
  dispose: () => Promise<void>;
};

export const natsServerInstalled = (binary = NATS_SERVER_BINARY): boolean => existsSync(binary);

/** Servers still running when the test process exits are killed, so none outlives a failed run. */
const live = new Set<ChildProcess>();
process.once('exit', () => live.forEach((child) => child.kill('SIGKILL')));

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));

/** Spawns `nats-server -js` on a free port with its store in a temporary directory, and waits until it accepts connections. */
export const startNatsServer = async (binary = NATS_SERVER_BINARY): Promise<NatsServer> => {
  if (!natsServerInstalled(binary)) throw new StartupError(`${binary} is not installed`);
  const port = await freePort();
  const storeDir = await fs.mkdtemp(path.join(os.tmpdir(), 'agent-platform-nats-'));
  let child: ChildProcess | undefined;

  const start = async () => {
    const spawned = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    spawned.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2_000)));
    live.add(spawned);
    void exited(spawned).then(() => live.delete(spawned));
    child = spawned;
    for (const deadline = Date.now() + 15_000; !(await accepts(port)); await new Promise((r) => setTimeout(r, 50))) {
      if (spawned.exitCode !== null || Date.now() > deadline) {
        spawned.kill('SIGKILL');
        throw new StartupError(`nats-server did not start on port ${port}: ${output}`);
      }
    }
  };

  const halt = async (signal: NodeJS.Signals) => {
    if (!child) return;
    const running = child;
    child = undefined;
    running.kill(signal);
    await exited(running);
  };

  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: () => halt('SIGTERM'),
    kill: () => halt('SIGKILL'),
    restart: async () => {
      await halt('SIGTERM');
      await start();
    },
    dispose: async () => {
      await halt('SIGTERM');
      await fs.rm(storeDir, { recursive: true, force: true });
    },
  };
};
