/*
 * Code-runner latency: `print(1)` and `console.log(1)` through the platform's runner (bubblewrap, rlimits,
 * the launcher), beside the same launcher and program run bare (the interpreter spawned directly, no sandbox),
 * so the difference is the time spent in the isolation layer. Runs alternate, isolated then bare, so drift
 * on a shared machine hits both alike; one at a time, since the figure asked for is one run's latency.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { CODE_FILES, createCodeRunner, launcherArgs, resolvePython, RESULT_FD, type CodeLanguage, type Config } from '@agent-platform/infra';
import { percentile } from './measure.js';

export type Latency = { p50Ms: number; p99Ms: number };
export type CodeLatency = { language: CodeLanguage; program: string; isolated: Latency; bare: Latency };

const PROGRAMS: Record<CodeLanguage, string> = { python: 'print(1)', javascript: 'console.log(1)' };
const WARMUP = 10;

const latencyOf = (samples: number[]): Latency => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
};

/** The launcher as the sandbox runs it, on files in `workdir` instead of the sandbox's, with the same descriptors. */
const runBare = (args: string[], workdir: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(args[0]!, args.slice(1), { cwd: workdir, env: {}, stdio: ['pipe', 'pipe', 'pipe', 'ignore', 'ignore', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    (child.stdio as unknown as Readable[])[RESULT_FD]!.resume();
    child.stdin!.end('null');
    child.once('error', reject);
    child.once('close', (code) => (code === 0 && stdout === '1\n' ? resolve() : reject(new Error(`the bare run exited ${code}: ${stdout}`))));
  });

export const measureCode = async (config: Config, runs: number): Promise<CodeLatency[]> => {
  const runner = await createCodeRunner(config);
  const status = runner.describe();
  if (!status.available) throw new Error(`the code runner is unavailable: ${status.reason}`);
  const workdir = await mkdtemp(path.join(os.tmpdir(), 'bench-code-'));
  try {
    const results: CodeLatency[] = [];
    for (const language of status.languages) {
      const program = PROGRAMS[language];
      await writeFile(path.join(workdir, CODE_FILES[language]), program);
      await writeFile(path.join(workdir, 'input.json'), 'null');
      // The interpreter the runner resolved, not a shim in front of it.
      const interpreter = language === 'python' ? (await resolvePython(config.AGENT_PLATFORM_PYTHON_BIN)).executable : process.execPath;
      const bareArgs = launcherArgs(language, interpreter, workdir);
      const isolated: number[] = [];
      const bare: number[] = [];
      for (let i = 0; i < WARMUP + runs; i++) {
        let started = performance.now();
        const run = await runner.run({ language, code: program, input: null, timeoutMs: 10_000 });
        if (run.exitCode !== 0 || run.stdout !== '1\n') throw new Error(`the isolated run failed: ${run.exitCode} ${run.stderr}`);
        if (i >= WARMUP) isolated.push(performance.now() - started);
        started = performance.now();
        await runBare(bareArgs, workdir);
        if (i >= WARMUP) bare.push(performance.now() - started);
      }
      results.push({ language, program, isolated: latencyOf(isolated), bare: latencyOf(bare) });
    }
    return results;
  } finally {
    await rm(workdir, { recursive: true, force: true });
  }
};

/** The sandbox's and interpreters' versions, beside the machine's lines. */
export const describeSandbox = async (config: Config): Promise<string> => {
  const version = (file: string, args: string[]) => {
    try {
      return execFileSync(file, args, { encoding: 'utf8' }).trim().split('\n')[0];
    } catch {
      return `${file} absent`;
    }
  };
  const python = (await resolvePython(config.AGENT_PLATFORM_PYTHON_BIN).catch(() => undefined))?.executable ?? config.AGENT_PLATFORM_PYTHON_BIN;
  return `Sandbox:     ${version('bwrap', ['--version'])}, ${version(python, ['--version'])} (${python}), node ${process.version}`;
};
