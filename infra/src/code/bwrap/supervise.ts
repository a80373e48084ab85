import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { CODE_FD, INPUT_FD, RESULT_FD, SECCOMP_FD } from './sandbox.js';

/** What one program run gave back, before its result is read as JSON. */
export type Supervised = {
  stdout: string;
  stderr: string;
  /** The program's exit code (128 + the signal when the sandbox killed it, as a shell says); null when we killed it. */
  exitCode: number | null;
  resultText: string | undefined;
  durationMs: number;
  timedOut: boolean;
  /** Set when the program was killed for printing more than allowed (or an oversized result). */
  flooded: boolean;
  /** The program never started: the sandbox could not be made (the spawn failed). */
  spawnError?: Error;
};

export type SuperviseRequest = {
  executable: string;
  args: readonly string[];
  code: string;
  inputJson: string;
  timeoutMs: number;
  maxOutputBytes: number;
  /** The seccomp filter bubblewrap reads from `SECCOMP_FD`, when there is one. */
  seccomp?: Buffer;
  signal?: AbortSignal;
};

/** As root, the sandbox runs as nobody: RLIMIT_NPROC does not bind root's processes, even in a user namespace. */
const NOBODY = 65534;
const asNobody = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};

/** Collects a stream up to `max` bytes; past it, calls `onFlood` once and keeps nothing more. */
const capped = (stream: Readable, max: number, onFlood: () => void) => {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    if (size >= max) return;
    chunks.push(size + chunk.length > max ? chunk.subarray(0, max - size) : chunk);
    size += chunk.length;
    if (size >= max) onFlood();
  });
  return () => Buffer.concat(chunks).toString('utf8');
};

/**
 * Runs bubblewrap with the code, the input, a result pipe and the seccomp filter on descriptors 3–6, with an empty environment of
 * its own (a preload variable of the platform's would otherwise load into bubblewrap itself, outside the
 * sandbox), in a process group of its own. On the wall-clock limit, a flood of output, or an abort, the
 * group is killed; bubblewrap's death takes the sandbox's init with it (`--die-with-parent`), and the kernel
 * then kills every process of the sandbox's pid namespace, so nothing outlives the run.
 */
export const supervise = (request: SuperviseRequest): Promise<Supervised> =>
  new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(request.executable, request.args, {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
      env: {},
      detached: true,
      ...asNobody,
    });
    let timedOut = false;
    let flooded = false;
    let killed = false;
    const kill = () => {
      if (killed || child.pid === undefined) return;
      killed = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const flood = () => {
      flooded = true;
      kill();
    };
    const pipes = child.stdio as unknown as [Writable, Readable, Readable, Writable, Writable, Readable, Writable];
    const stdout = capped(child.stdout!, request.maxOutputBytes, flood);
    const stderr = capped(child.stderr!, request.maxOutputBytes, flood);
    const result = capped(pipes[RESULT_FD], request.maxOutputBytes, flood);
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, request.timeoutMs);
    const abort = () => kill();
    request.signal?.addEventListener('abort', abort, { once: true });
    // A program that exits without reading its stdin closes the pipe under us: not an error of the run.
    const inputs = [[0, request.inputJson], [CODE_FD, request.code], [INPUT_FD, request.inputJson], [SECCOMP_FD, request.seccomp ?? '']] as const;
    for (const [fd, data] of inputs) {
      pipes[fd].on('error', () => {});
      pipes[fd].end(data);
    }
    const finish = (code: number | null, spawnError?: Error) => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', abort);
      resolve({
        stdout: stdout(),
        stderr: stderr(),
        exitCode: killed ? null : code,
        resultText: killed ? undefined : result() || undefined,
        durationMs: Math.round(performance.now() - started),
        timedOut,
        flooded,
        ...(spawnError ? { spawnError } : {}),
      });
    };
    // A spawn that failed (no such binary) has no process, so no 'close' to wait for.
    child.once('error', (error) => {
      if (child.pid === undefined) finish(null, error);
    });
    child.once('close', (code) => {
      if (child.pid !== undefined) finish(code);
    });
    if (request.signal?.aborted) kill();
  });
