import { CodeImplementation, HttpImplementation, TemplateImplementation, type SkillRunError } from '@agent-platform/contracts';
import { CodeRunnerUnavailable, storableText, type CodeRunner, type HttpToolRequest, type HttpToolResult, type SecretBinding } from '@agent-platform/infra';
import { withSecrets } from '../agent-runs/secrets.js';
import { renderTemplate, type Rendered } from './template.js';

/** What a runtime made of the run's input: its output (and its text, when it is one), or why it has none. */
export type RuntimeOutcome = { output: unknown; text: string | null } | { error: SkillRunError };

export type RuntimeDeps = {
  callTool: (request: HttpToolRequest, signal?: AbortSignal) => Promise<HttpToolResult>;
  /** What `${secret:NAME}` in an http skill's headers stands for, and where it may be sent. */
  secrets: ReadonlyMap<string, SecretBinding>;
  /** Takes every secret out of what a call answered, before any of it is recorded. */
  redact: <T>(value: T) => T;
  /** Runs a code skill's program, isolated; absent where the process has no runner, and a code skill's run then fails saying so. */
  codeRunner?: CodeRunner | undefined;
  /** `AGENT_PLATFORM_MAX_TIMEOUT_SECONDS`: a code skill's own `timeout_seconds` is cut to it, as `POST /code/run` refuses more. */
  maxCodeTimeoutSeconds: number;
};

/** A run's effect is recorded as started, with its idempotency key, before it is made: `begin` does that. */
export type Effect = { begin: () => Promise<string>; signal: AbortSignal; workspaceId: string };

/** How much of a failed program's stderr goes into the run's error. */
const STDERR_EXCERPT = 500;

export const template = (implementation: Record<string, unknown>, input: Record<string, unknown>): RuntimeOutcome => {
  const rendered = renderTemplate(TemplateImplementation.parse(implementation).template, input);
  if ('text' in rendered) return { output: { text: rendered.text }, text: rendered.text };
  return { error: renderingError(rendered, 'the template') };
};

/** Why a template did not render: the keys the input lacks, or a text past its bound. */
export const renderingError = (failed: Exclude<Rendered, { text: string }>, what: string): SkillRunError =>
  'missing' in failed
    ? { code: 'SKILL_TEMPLATE_KEY_MISSING', message: `the input has no ${failed.missing.map((k) => `"${k}"`).join(', ')} for ${what}` }
    : { code: 'SKILL_TEMPLATE_TOO_LONG', message: `${what} renders more than ${failed.tooLong} characters` };

const joinUrl = (base: string, path: string): string => (path ? `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}` : base);

/** An http skill is called as an HTTP tool is: through the tool invoker, its address guard and its response bound. */
export const http = async (deps: RuntimeDeps, implementation: Record<string, unknown>, input: Record<string, unknown>, effect: Effect): Promise<RuntimeOutcome> => {
  const config = HttpImplementation.parse(implementation);
  const url = joinUrl(config.base_url, config.path);
  const sending = withSecrets(config.headers, deps.secrets, { workspaceId: effect.workspaceId, url });
  if ('error' in sending) return { error: sending.error };
  const idempotencyKey = await effect.begin();
  const result = deps.redact(
    await deps.callTool({ method: config.method, url, headers: sending.headers, input, idempotencyKey, timeoutMs: config.timeout_ms }, effect.signal),
  );
  if (!result.ok) return { error: result.error };
  return { output: result.output, text: null };
};

/** A code skill's program gets the input; what it returns is the output, and what it printed the text. */
export const code = async (deps: RuntimeDeps, implementation: Record<string, unknown>, input: Record<string, unknown>, effect: Effect): Promise<RuntimeOutcome> => {
  if (!deps.codeRunner) return { error: { code: 'SKILL_CODE_RUNNER_UNAVAILABLE', message: 'no code runner is configured in this process; code skills cannot run' } };
  const program = CodeImplementation.parse(implementation);
  const timeoutSeconds = Math.min(program.timeout_seconds, deps.maxCodeTimeoutSeconds);
  await effect.begin();
  try {
    const result = await deps.codeRunner.run({ language: program.language, code: program.code, input, timeoutMs: timeoutSeconds * 1000, signal: effect.signal });
    if (result.timedOut) return { error: { code: 'SKILL_CODE_TIMEOUT', message: `the program ran longer than ${timeoutSeconds} s` } };
    if (result.exitCode !== 0) {
      const stderr = storableText(result.stderr.slice(-STDERR_EXCERPT));
      return { error: { code: 'SKILL_CODE_FAILED', message: `the program exited with ${result.exitCode ?? 'a signal'}${stderr ? `: ${stderr}` : ''}` } };
    }
    return { output: result.result, text: storableText(result.stdout) };
  } catch (error) {
    if (error instanceof CodeRunnerUnavailable) return { error: { code: 'SKILL_CODE_RUNNER_UNAVAILABLE', message: error.message } };
    throw error;
  }
};
