import { CODE_LANGUAGES, CodeRunnerUnavailable, type CodeLanguage, type CodeRunner, type CodeRunRequest, type CodeRunResult } from '../port.js';
import { findExecutable, resolveNode, resolvePython, type Interpreter } from './interpreters.js';
import { CODE_FILES, launcherArgs } from './launchers.js';
import { bwrapArgs, WORKDIR, type SandboxLimits } from './sandbox.js';
import { seccompFilter } from './seccomp.js';
import { supervise, type Supervised } from './supervise.js';

export type BwrapCodeRunnerOptions = {
  /** `AGENT_PLATFORM_PYTHON_BIN`. */
  pythonBin: string;
  limits: SandboxLimits;
  /** The bubblewrap binary; a name is looked up on the platform's PATH. */
  bwrap?: string;
};

/** What `/ready` names: seccomp where this architecture has a filter (x64, arm64). */
const isolationOf = (seccomp: boolean) => (seccomp ? 'bubblewrap+seccomp' : 'bubblewrap');

/** Address space the interpreter maps without using it, granted above the memory limit (sandbox.ts). */
const RESERVED_BYTES: Record<CodeLanguage, number> = { python: 128 * 2 ** 20, javascript: 2 ** 30 };

type Languages = Partial<Record<CodeLanguage, Interpreter>>;

const resultOf = (run: Supervised, maxOutputBytes: number): CodeRunResult => {
  let result: unknown = null;
  let stderr = run.stderr;
  if (run.resultText !== undefined) {
    try {
      result = JSON.parse(run.resultText);
    } catch {
      stderr += '\n[code runner] the result descriptor held no JSON; result_json is null\n';
    }
  }
  if (run.flooded) stderr += `\n[code runner] the program printed more than ${maxOutputBytes} bytes and was killed\n`;
  return { stdout: run.stdout, stderr, exitCode: run.exitCode, result, durationMs: run.durationMs, timedOut: run.timedOut };
};

/** Why a sandbox could not start: bubblewrap's own words (`bwrap: No permissions to create new namespace…`). */
const failureOf = (run: Supervised): string =>
  run.spawnError
    ? `bubblewrap could not be started (${(run.spawnError as NodeJS.ErrnoException).code ?? run.spawnError.message}); install it: apt-get install -y bubblewrap`
    : run.stderr.trim().split('\n')[0] || `the sandbox exited with ${run.exitCode}`;

/**
 * The code runner on bubblewrap (docs/code-runner.md). Created once at start: it resolves the interpreters
 * and runs an empty program in each language through the real sandbox; a language whose sandbox did not start
 * is refused from then on (`CodeRunnerUnavailable`), with the reason `/ready` shows. Nothing ever runs outside
 * the sandbox.
 */
export const createBwrapCodeRunner = async (options: BwrapCodeRunnerOptions): Promise<CodeRunner> => {
  const bwrap = await findExecutable(options.bwrap ?? 'bwrap');
  const seccomp = seccompFilter();
  const launch = (language: CodeLanguage, interpreter: Interpreter, request: Omit<CodeRunRequest, 'language'>) =>
    supervise({
      executable: bwrap,
      args: bwrapArgs({
        codeFile: CODE_FILES[language],
        readOnly: interpreter.roots,
        limits: options.limits,
        reservedBytes: RESERVED_BYTES[language],
        cpuSeconds: Math.max(1, Math.ceil(request.timeoutMs / 1000)),
        seccomp: seccomp !== undefined,
        command: launcherArgs(language, interpreter.executable, WORKDIR),
      }),
      code: request.code,
      inputJson: JSON.stringify(request.input ?? null),
      timeoutMs: request.timeoutMs,
      maxOutputBytes: options.limits.maxOutputBytes,
      ...(seccomp ? { seccomp } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });

  const languages: Languages = {};
  const reasons: string[] = [];
  const probe = async (language: CodeLanguage, resolve: () => Promise<Interpreter>) => {
    try {
      const interpreter = await resolve();
      const run = await launch(language, interpreter, { code: '', input: null, timeoutMs: 10_000 });
      if (run.exitCode === 0) languages[language] = interpreter;
      else reasons.push(`${language}: ${failureOf(run)}${interpreter.roots.length ? ` (${interpreter.roots.join(', ')} is bound into the sandbox, whose user must be able to read it)` : ''}`);
    } catch (error) {
      reasons.push(`${language}: ${(error as Error).message}`);
    }
  };
  await Promise.all([probe('python', () => resolvePython(options.pythonBin)), probe('javascript', resolveNode)]);
  const available = CODE_LANGUAGES.filter((language) => languages[language]);
  const reason = reasons.sort().join('; ');

  return {
    describe: () => ({ available: available.length > 0, isolation: isolationOf(seccomp !== undefined), languages: available, ...(reason ? { reason } : {}) }),
    run: async ({ language, ...request }) => {
      const interpreter = languages[language];
      if (!interpreter) throw new CodeRunnerUnavailable(reasons.find((r) => r.startsWith(`${language}:`)) ?? `${language} is not supported`);
      const run = await launch(language, interpreter, request);
      if (run.spawnError) throw new CodeRunnerUnavailable(failureOf(run));
      return resultOf(run, options.limits.maxOutputBytes);
    },
  };
};
