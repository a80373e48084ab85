import type { RecordedModelCall } from '@agent-platform/contracts';
import { unstorableIssues } from '@agent-platform/infra';

/** The action (and native function) by which a ReAct run asks a person a question, where its version allows it. */
export const ASK_HUMAN = 'ask_human';

/** A call the model asked for; `inputError` when its arguments are unusable (the call then fails without being made). */
export type ToolAction = { code: string; input: Record<string, unknown>; inputError?: string; toolCallId: string | null };
/** What a model answer asks the run to do next. */
export type Action =
  | { kind: 'finish'; answer: string }
  | { kind: 'tools'; calls: ToolAction[] }
  /** An answer that tried to be an action and is not one: the model is told, and tries again. */
  | { kind: 'invalid'; error: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Why what the model's JSON says could not be recorded (its escapes may spell a NUL or a lone surrogate,
 * or nest past what is walked), or undefined: the run records every action, so such an action is refused
 * to the model instead of being refused by the log at every attempt.
 */
const unrecordable = (value: unknown): string | undefined => {
  const [issue] = unstorableIssues(value);
  return issue && `${issue.path.join('.') || 'it'} ${issue.message}`;
};

/** The JSON object of an answer, also when a model wraps it in a Markdown fence or a sentence. */
const jsonObjectIn = (text: string): unknown => {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) throw new SyntaxError('no JSON object found');
  return JSON.parse(text.slice(start, end + 1));
};

const jsonAction = (content: string): Action => {
  let value: unknown;
  try {
    value = jsonObjectIn(content);
  } catch (error) {
    return { kind: 'invalid', error: `the action is not valid JSON (${(error as Error).message})` };
  }
  if (!isObject(value)) return { kind: 'invalid', error: 'the action must be a JSON object' };
  const flaw = unrecordable(value);
  if (flaw) return { kind: 'invalid', error: `the action cannot be recorded: ${flaw}` };
  if (value.action === 'finish') {
    return typeof value.answer === 'string' ? { kind: 'finish', answer: value.answer } : { kind: 'invalid', error: 'a finish action needs a string "answer"' };
  }
  if (value.action === 'tool') {
    if (typeof value.tool_code !== 'string' || !value.tool_code) return { kind: 'invalid', error: 'a tool action needs a "tool_code"' };
    const input = value.input_json ?? {};
    if (!isObject(input)) return { kind: 'invalid', error: '"input_json" must be a JSON object' };
    return { kind: 'tools', calls: [{ code: value.tool_code, input, toolCallId: null }] };
  }
  if (value.action === ASK_HUMAN) {
    // Read as a call of the `ask_human` function; the run decides whether its version offers it.
    return typeof value.question === 'string' && value.question
      ? { kind: 'tools', calls: [{ code: ASK_HUMAN, input: { question: value.question }, toolCallId: null }] }
      : { kind: 'invalid', error: 'an ask_human action needs a string "question"' };
  }
  return { kind: 'invalid', error: '"action" must be "tool" or "finish"' };
};

/**
 * Reads a model answer in either protocol: native tool calls (the provider's `tools` parameter), or a JSON
 * action in the text (`{"action":"tool",…}` / `{"action":"finish",…}`) for models without tool calling.
 * Plain prose is the final answer. `codeOf` maps a native function name back to its tool code.
 */
export const actionOf = (call: Pick<RecordedModelCall, 'content' | 'tool_calls'>, codeOf: (name: string) => string): Action => {
  if (call.tool_calls.length) {
    // Every native call gets an answer (OpenAI refuses a conversation with an unanswered call), so bad
    // arguments fail that call alone.
    const calls = call.tool_calls.map((toolCall): ToolAction => {
      const base = { code: codeOf(toolCall.name), toolCallId: toolCall.id, input: {} };
      try {
        const input: unknown = toolCall.arguments.trim() ? JSON.parse(toolCall.arguments) : {};
        if (!isObject(input)) return { ...base, inputError: 'the arguments must be a JSON object' };
        const flaw = unrecordable(input);
        return flaw ? { ...base, inputError: `the arguments cannot be recorded: ${flaw}` } : { ...base, input };
      } catch {
        return { ...base, inputError: 'the arguments are not valid JSON' };
      }
    });
    return { kind: 'tools', calls };
  }
  const content = call.content ?? '';
  return content.includes('"action"') ? jsonAction(content) : { kind: 'finish', answer: content };
};
