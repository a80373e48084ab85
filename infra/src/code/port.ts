/*
 * The code-runner port: a program in, what it printed and returned out. The platform runs code only
 * through it (`POST /code/run`, skills of runtime `code`), so the isolation it promises is the only
 * isolation there is: an adapter that cannot isolate refuses to run (`CodeRunnerUnavailable`), never runs
 * the code without it.
 */
import { UnavailableError } from '@agent-platform/contracts';

export const CODE_LANGUAGES = ['python', 'javascript'] as const;
export type CodeLanguage = (typeof CODE_LANGUAGES)[number];

export type CodeRunRequest = {
  language: CodeLanguage;
  code: string;
  /** Given to the program as its input (the `input_json` of `POST /code/run`). */
  input: unknown;
  /** Wall-clock bound; the caller has already capped it at `AGENT_PLATFORM_MAX_TIMEOUT_SECONDS`. */
  timeoutMs: number;
  signal?: AbortSignal;
};

export type CodeRunResult = {
  stdout: string;
  stderr: string;
  /** The program's exit code; null when it was killed (timeout, a limit, an abort). */
  exitCode: number | null;
  /** What the program returned as JSON, when it did; null otherwise. */
  result: unknown;
  durationMs: number;
  timedOut: boolean;
};

/** What `/ready` shows of the runner: whether it can isolate here, and how. */
export type CodeRunnerDescription = { available: boolean; isolation: string; reason?: string; languages: CodeLanguage[] };

export type CodeRunner = {
  run: (request: CodeRunRequest) => Promise<CodeRunResult>;
  describe: () => CodeRunnerDescription;
};

/**
 * The runner cannot isolate on this host (or lacks the language): the run was refused, nothing ran. An
 * `UnavailableError`, so the edge answers it as a 503 problem like every other missing dependency; retrying
 * soon will not help (the host has to change), hence the long Retry-After.
 */
export class CodeRunnerUnavailable extends UnavailableError {
  override name = 'CodeRunnerUnavailable';
  constructor(readonly reason: string) {
    super('CODE_RUNNER_UNAVAILABLE', `the code runner is unavailable: ${reason}`, 300);
  }
}
