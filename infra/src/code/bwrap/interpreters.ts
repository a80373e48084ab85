import { execFile } from 'node:child_process';
import { access, constants, realpath } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

/** An interpreter as the sandbox needs it: its executable, and the install roots outside /usr to bind read-only. */
export type Interpreter = { executable: string; roots: string[] };

const run = promisify(execFile);

/** Roots under /usr are in the sandbox already; anything else is bound at its own path, never `/` itself. */
const rootsOutsideUsr = (roots: readonly string[]): string[] => {
  const outside = [...new Set(roots.map((root) => path.resolve(root)))].filter((root) => root !== '/usr' && !root.startsWith('/usr/'));
  const whole = outside.find((root) => root.split('/').filter(Boolean).length < 2);
  if (whole) throw new Error(`the interpreter's install root ${whole} is too wide to bind into the sandbox`);
  // The sandbox's /tmp is its working directory, a link to /sandbox: nothing can be bound beneath either.
  const shadowed = outside.find((root) => /^\/(tmp|sandbox)(\/|$)/.test(root));
  if (shadowed) throw new Error(`the interpreter's install root ${shadowed} is under /tmp or /sandbox, which are the sandbox's own`);
  return outside;
};

/**
 * Python as configured (`AGENT_PLATFORM_PYTHON_BIN`): a name on PATH, a path, or a shim (pyenv's is a bash
 * script that needs pyenv's own files and variables, none of which the sandbox has). The interpreter itself says
 * where it is: its executable and its prefixes (a virtualenv's and the base install's). Only PATH and HOME
 * reach it, what a shim needs to find its interpreter.
 */
export const resolvePython = async (bin: string): Promise<Interpreter> => {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/' };
  const { stdout } = await run(bin, ['-I', '-c', 'import sys; print(sys.executable); print(sys.prefix); print(sys.base_prefix)'], { env, timeout: 10_000 });
  const [executable, prefix, basePrefix] = stdout.trim().split('\n');
  if (!executable || !prefix || !basePrefix) throw new Error(`${bin} did not say where its executable is`);
  // Run as it named itself, not its symlink's target: a virtualenv is found from the executable's own place.
  const real = await realpath(executable);
  return { executable, roots: rootsOutsideUsr([prefix, basePrefix, path.dirname(path.dirname(real))]) };
};

/** The node running the platform: the one version the platform is known to work with. */
export const resolveNode = async (): Promise<Interpreter> => {
  const real = await realpath(process.execPath);
  return { executable: real, roots: rootsOutsideUsr([path.dirname(path.dirname(real))]) };
};

/**
 * A program's path: as given when it names a path, else the first on the platform's PATH. Resolved here
 * because the sandbox is spawned with an empty environment, which has no PATH to look it up in.
 */
export const findExecutable = async (name: string): Promise<string> => {
  if (name.includes('/')) return name;
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':').filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  return name; // spawning it fails with ENOENT, which the runner reports as bubblewrap missing
};
