import { z } from 'zod';
import { CODE_LANGUAGES, route, type Api, type CodeRunner } from '@agent-platform/infra';
import { abortOnDisconnect } from '../abortOnDisconnect.js';

/** The largest program accepted: a script, not a bundle. */
const MAX_CODE_CHARS = 100_000;
const DEFAULT_TIMEOUT_SECONDS = 10;

/** The body of `POST /code/run`; `timeout_seconds` is bounded by `AGENT_PLATFORM_MAX_TIMEOUT_SECONDS`, so the schema is built with it. */
export const codeRunBody = (maxTimeoutSeconds: number) =>
  z
    .object({
      language: z.enum(CODE_LANGUAGES),
      code: z.string().min(1).max(MAX_CODE_CHARS).describe('The program: a Python or JavaScript script run top to bottom.'),
      input_json: z.unknown().optional().describe('Any JSON value: the global `input_json` of the program, and its stdin as JSON text. Unset: null.'),
      timeout_seconds: z
        .number()
        .positive()
        .max(maxTimeoutSeconds)
        .default(Math.min(DEFAULT_TIMEOUT_SECONDS, maxTimeoutSeconds))
        .describe(`Wall-clock limit, at most AGENT_PLATFORM_MAX_TIMEOUT_SECONDS (${maxTimeoutSeconds} here); CPU time is capped at the same.`),
    })
    .meta({ id: 'CodeRunBody' });
export type CodeRunBody = z.infer<ReturnType<typeof codeRunBody>>;

export const CodeRunAnswer = z
  .object({
    stdout: z.string(),
    stderr: z.string().describe('The program\'s, plus a last `[code runner] …` line when the runner killed it for its output or read no JSON result.'),
    exit_code: z.number().int().nullable().describe('128 + the signal when a limit inside the sandbox killed it; null when the runner did (timeout, output).'),
    result_json: z.unknown().describe('The global `result` the program set, as JSON; null when it set none.'),
    duration_ms: z.number().int(),
    timed_out: z.boolean(),
  })
  .meta({ id: 'CodeRunAnswer' });
export type CodeRunAnswer = z.infer<typeof CodeRunAnswer>;

/**
 * The code runner (docs/code-runner.md). Stateless like the model gateway: it appends no events, and lives on
 * the command side because running code is an effect. Every run is sandboxed; where the sandbox cannot be had,
 * the runner refuses and this route answers 503.
 */
export const codeRoutes = (api: Api, deps: { runner: CodeRunner; maxTimeoutSeconds: number }): void => {
  route(api, {
    method: 'post',
    path: '/code/run',
    summary: 'Run a Python or JavaScript program in a sandbox and answer what it printed and returned',
    description:
      'The program runs in a bubblewrap sandbox: no network, no file of the host but the read-only system, an empty environment, ' +
      'a throw-away working directory, and caps on processes, memory, CPU time, wall clock, output and disk. ' +
      'It reads its input as `input_json` (or stdin) and returns a value by setting `result`. Appends no events.',
    tags: ['code'],
    body: codeRunBody(deps.maxTimeoutSeconds),
    responses: { 200: { description: 'The run, ended (exited, killed at a limit, or timed out).', schema: CodeRunAnswer } },
    errors: [503],
    handler: async ({ body, res }) => {
      const run = await deps.runner.run({
        language: body.language,
        code: body.code,
        input: body.input_json ?? null,
        timeoutMs: Math.round(body.timeout_seconds * 1000),
        signal: abortOnDisconnect(res),
      });
      const answer: CodeRunAnswer = {
        stdout: run.stdout,
        stderr: run.stderr,
        exit_code: run.exitCode,
        result_json: run.result ?? null,
        duration_ms: run.durationMs,
        timed_out: run.timedOut,
      };
      return { status: 200, body: answer };
    },
  });
};
