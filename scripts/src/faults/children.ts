import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Child processes of the fault tests: the real entry point (`scripts/src/start.ts`) and the test's
 * processor member (`processorChild.ts`), each run from source through tsx, as `npm start` runs.
 * Every child is registered, so a test's `afterEach` (and, failing that, this process's exit) kills it.
 */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const ENTRY_POINT = path.join(REPO_ROOT, 'scripts', 'src', 'start.ts');
export const PROCESSOR_CHILD = path.join(REPO_ROOT, 'scripts', 'src', 'faults', 'processorChild.ts');

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds; fails naming `what` (evaluated then, so it can show fresh output) after `ms`. */
export const waitUntil = async (
  what: string | (() => string),
  condition: () => boolean | Promise<boolean>,
  ms = 30_000,
  everyMs = 50,
): Promise<void> => {
  for (const deadline = Date.now() + ms; !(await condition()); await sleep(everyMs)) {
    if (Date.now() > deadline) throw new Error(`${typeof what === 'function' ? what() : what}: not within ${ms} ms`);
  }
};

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

export type Child = {
  name: string;
  pid: number;
  process: ChildProcess;
  exited: Promise<Exit>;
  alive: () => boolean;
  /** The last part of what it wrote (stdout and stderr interleaved), for failure messages. */
  output: () => string;
  /** Resolves once its output matches `pattern`; rejects if it exits first or after `ms`. */
  waitForOutput: (pattern: RegExp, ms?: number) => Promise<void>;
  /** Its JSON log lines (pino), parsed; other lines are skipped. */
  logLines: () => Record<string, unknown>[];
  /** SIGKILL, then waits for the exit. */
  kill: () => Promise<void>;
};

const live = new Set<Child>();
// `mocha --exit` ends the process with children possibly running: none may outlive the run.
process.once('exit', () => live.forEach((child) => child.process.kill('SIGKILL')));

const OUTPUT_LIMIT = 1_000_000;

/** The parent's environment without any AGENT_PLATFORM_* variable, so that nothing of the test run leaks in. */
export const environment = (env: Record<string, string>): NodeJS.ProcessEnv => {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AGENT_PLATFORM_')));
  return { ...clean, AGENT_PLATFORM_LOG_LEVEL: 'info', ...env };
};

/** Runs a TypeScript file of this repository in a child process, as `node --conditions=source --import tsx <file>`. */
export const spawnTs = (name: string, file: string, args: readonly string[], env: Record<string, string>): Child => {
  const spawned = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', file, ...args], {
    cwd: REPO_ROOT,
    env: environment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT / 2);
  };
  spawned.stdout!.on('data', collect);
  spawned.stderr!.on('data', collect);
  const exited = new Promise<Exit>((resolve) => spawned.once('exit', (code, signal) => resolve({ code, signal })));
  const alive = () => spawned.exitCode === null && spawned.signalCode === null;
  const child: Child = {
    name,
    pid: spawned.pid!,
    process: spawned,
    exited,
    alive,
    output: () => output.slice(-4_000),
    waitForOutput: async (pattern, ms = 60_000) => {
      for (const deadline = Date.now() + ms; !pattern.test(output); await sleep(25)) {
        if (!alive()) throw new Error(`${name} exited before printing ${pattern}:\n${output.slice(-4_000)}`);
        if (Date.now() > deadline) throw new Error(`${name} did not print ${pattern} within ${ms} ms:\n${output.slice(-4_000)}`);
      }
    },
    logLines: () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    kill: async () => {
      if (alive()) spawned.kill('SIGKILL');
      await exited;
    },
  };
  if (spawned.pid === undefined) throw new Error(`${name} did not start`);
  live.add(child);
  void exited.then(() => live.delete(child));
  return child;
};

/** Kills every child still running (SIGKILL) and waits for their exits; for `afterEach`. */
export const killAllChildren = async (): Promise<void> => {
  await Promise.all([...live].map((child) => child.kill()));
};

/** One process of a multi-process deployment: the real entry point with `--role` flags. */
export const startRole = (name: string, roles: readonly string[], env: Record<string, string>): Child =>
  spawnTs(
    name,
    ENTRY_POINT,
    roles.flatMap((role) => ['--role', role]),
    env,
  );
