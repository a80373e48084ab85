/*
 * The sandbox a program runs in, as bubblewrap's arguments: every namespace unshared (no network, not even
 * loopback: a fresh network namespace has only its own `lo`), no file of the host but the read-only system
 * (/usr and an interpreter's install), a throw-away size-capped tmpfs as the working directory, an empty
 * environment, and the limits set by `prlimit` inside, after bubblewrap made the user namespace, so that
 * they count the sandbox's processes only (docs/code-runner.md).
 */

/** Where the program runs and finds its files, inside the sandbox. */
export const WORKDIR = '/sandbox';
export const CODE_FD = 3;
export const INPUT_FD = 4;
/** The program's result goes out through this descriptor; stdout stays the program's own. */
export const RESULT_FD = 5;
/** The seccomp filter's bytes come in through this descriptor (seccomp.ts). */
export const SECCOMP_FD = 6;

/** What one run may use; each process gets the memory, the run as a whole the processes and the disk. */
export type SandboxLimits = {
  memoryBytes: number;
  maxProcesses: number;
  maxOutputBytes: number;
  diskBytes: number;
};

export type SandboxSpec = {
  /** The program's file name in the working directory (`main.py`), filled from `CODE_FD`. */
  codeFile: string;
  /** Install roots outside /usr bound read-only at their own path: a pyenv or nvm interpreter. */
  readOnly: readonly string[];
  limits: SandboxLimits;
  /** Address space beyond `memoryBytes` the interpreter reserves without using (V8 reserves ~700 MB). */
  reservedBytes: number;
  cpuSeconds: number;
  /** Whether a seccomp filter comes on `SECCOMP_FD`. */
  seccomp: boolean;
  /** The interpreter and its arguments. */
  command: readonly string[];
};

const ENVIRONMENT: Record<string, string> = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: WORKDIR,
  TMPDIR: WORKDIR,
  LANG: 'C.UTF-8',
  // node's libuv pool: 4 threads by default, each counted against the process limit.
  UV_THREADPOOL_SIZE: '2',
};

/** `prlimit` sets soft and hard alike: the program cannot raise them, having no capability left. */
const limitsOf = (spec: SandboxSpec): string[] => [
  '/usr/bin/prlimit',
  `--nproc=${spec.limits.maxProcesses}`,
  `--data=${spec.limits.memoryBytes}`,
  // The private-memory limit misses shared mappings (an anonymous MAP_SHARED is not "data"); the address space bounds them.
  `--as=${spec.limits.memoryBytes + spec.reservedBytes}`,
  `--fsize=${spec.limits.diskBytes}`,
  `--cpu=${spec.cpuSeconds}`,
  '--core=0',
  '--nofile=256',
  '--',
];

export const bwrapArgs = (spec: SandboxSpec): string[] => [
  '--unshare-all',
  '--unshare-user', // --unshare-all only tries; without a user namespace there is no sandbox, so bubblewrap must fail instead
  '--disable-userns', // and the program cannot make one of its own, a frequent door to kernel bugs
  '--uid', '65534',
  '--gid', '65534',
  '--hostname', 'sandbox',
  '--die-with-parent',
  '--new-session', // no TIOCSTI into the platform's terminal
  '--clearenv',
  ...Object.entries(ENVIRONMENT).flatMap(([name, value]) => ['--setenv', name, value]),
  '--ro-bind', '/usr', '/usr',
  '--symlink', 'usr/bin', '/bin',
  '--symlink', 'usr/lib', '/lib',
  '--symlink', 'usr/lib64', '/lib64',
  ...spec.readOnly.flatMap((root) => ['--ro-bind', root, root]),
  '--proc', '/proc',
  '--dev', '/dev',
  '--size', String(spec.limits.diskBytes),
  '--tmpfs', WORKDIR,
  '--symlink', WORKDIR, '/tmp',
  '--file', String(CODE_FD), `${WORKDIR}/${spec.codeFile}`,
  '--file', String(INPUT_FD), `${WORKDIR}/input.json`,
  // bubblewrap's root and /dev are tmpfs without a size: writable, they would be a disk (and memory) without a cap.
  '--remount-ro', '/dev',
  '--remount-ro', '/',
  ...(spec.seccomp ? ['--seccomp', String(SECCOMP_FD)] : []),
  '--chdir', WORKDIR,
  '--',
  ...limitsOf(spec),
  ...spec.command,
];
