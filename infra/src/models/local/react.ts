import { textOf, type ChatMessage, type ChatRequest, type ToolDefinition } from '../port.js';
import { argumentsFor, isJsonObject, valueFor, wordsOf } from './arguments.js';

/**
 * What the local provider answers, decided from the request alone, so that every turn of a ReAct loop can
 * be run and asserted without a model. The rules, first match wins:
 *
 * 1. Native tools — the request offers `tools` and `tool_choice` is not `'none'`:
 *    a. no `tool` message after the last `user` message → one tool call (`finish_reason: 'tool_calls'`)
 *       to the tool `tool_choice` names, else the first tool, with arguments made from its `parameters`
 *       schema and the last user message (see `arguments.ts`);
 *    b. otherwise → `finish_reason: 'stop'` and, per tool message since the last user message, a line
 *       `The <tool name> tool returned: <tool message text>`.
 * 2. JSON actions — no native tools, and a `system` message contains `"action"` (with the double quotes):
 *    a. the observation is present when the last `assistant` message parses as `{"action":"tool",…}` and a
 *       message follows it, or when the last message starts with `Observation` (any case) → the content
 *       `{"action":"finish","answer":"The <tool_code> tool returned: <observation>"}`, where the
 *       observation is the last message's text without a leading `Observation:`;
 *    b. otherwise → `{"action":"tool","tool_code":<code>,"input_json":<arguments>}`. The code is the first
 *       Markdown list item of a system message that starts with a tool code (`- lookup_order: …`,
 *       ``- `lookup_order` — …``, `* lookup_order (…)`), else `tool`; the arguments fit the first JSON
 *       object on that line if it is a JSON Schema, else they are `{"input": <the user's words>}`.
 * 3. Otherwise → `You said: <last user message>` (or `Hello from local-react.` when there is none).
 */
export type LocalAnswer = { content: string } | { toolCall: { name: string; arguments: Record<string, unknown> } };

export const JSON_ACTION_MARKER = '"action"';

const lastIndex = (messages: ChatMessage[], role: ChatMessage['role']): number => messages.findLastIndex((m) => m.role === role);

const nativeTurn = (request: ChatRequest, tools: ToolDefinition[], userText: string): LocalAnswer => {
  const since = lastIndex(request.messages, 'user') + 1;
  const results = request.messages.slice(since).filter((m) => m.role === 'tool');
  if (results.length === 0) {
    const named = typeof request.tool_choice === 'object' ? request.tool_choice.function.name : undefined;
    const tool = tools.find((t) => t.function.name === named) ?? tools[0]!;
    return { toolCall: { name: tool.function.name, arguments: argumentsFor(tool.function.parameters, userText) } };
  }
  const calls = request.messages.flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []) : []));
  const lines = results.map((m) => {
    const name = m.role === 'tool' ? calls.find((c) => c.id === m.tool_call_id)?.function.name : undefined;
    return `The ${name ?? 'tool'} tool returned: ${textOf(m.content)}`;
  });
  return { content: lines.join('\n') };
};

const parseAction = (text: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(text.trim());
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

const TOOL_LINE = /^[ \t]*[-*][ \t]+`?([A-Za-z0-9_.-]+)`?[ \t]*(?::|\(|—|-[ \t]|$)(.*)$/m;

/** The first listed tool of the system prompt and the JSON Schema on its line, if there is one. */
const listedTool = (system: string): { code: string; schema?: unknown } => {
  const match = TOOL_LINE.exec(system);
  if (!match) return { code: 'tool' };
  const rest = match[2] ?? '';
  const json = rest.includes('{') ? parseAction(rest.slice(rest.indexOf('{'), rest.lastIndexOf('}') + 1)) : undefined;
  const isSchema = json && ('properties' in json || 'type' in json);
  return { code: match[1]!, ...(isSchema ? { schema: json } : {}) };
};

const jsonTurn = (messages: ChatMessage[], system: string, userText: string): LocalAnswer => {
  const assistantAt = lastIndex(messages, 'assistant');
  const action = assistantAt >= 0 ? parseAction(textOf(messages[assistantAt]!.content)) : undefined;
  const lastText = textOf(messages.at(-1)!.content);
  const observed = (action?.action === 'tool' && assistantAt < messages.length - 1) || /^\s*observation/i.test(lastText);
  const tool = listedTool(system);
  if (observed) {
    const code = typeof action?.tool_code === 'string' ? action.tool_code : tool.code;
    const observation = lastText.replace(/^\s*observation\s*:?\s*/i, '');
    return { content: JSON.stringify({ action: 'finish', answer: `The ${code} tool returned: ${observation}` }) };
  }
  const input = tool.schema ? valueFor(tool.schema, userText) : { input: wordsOf(userText) };
  return { content: JSON.stringify({ action: 'tool', tool_code: tool.code, input_json: input }) };
};

export const localAnswer = (request: ChatRequest): LocalAnswer => {
  const { messages } = request;
  const userAt = lastIndex(messages, 'user');
  const userText = userAt >= 0 ? textOf(messages[userAt]!.content) : '';
  const tools = request.tool_choice === 'none' ? [] : (request.tools ?? []);
  if (tools.length) return nativeTurn(request, tools, userText);
  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => textOf(m.content))
    .join('\n');
  if (system.includes(JSON_ACTION_MARKER)) return jsonTurn(messages, system, userText);
  return { content: userText ? `You said: ${userText}` : 'Hello from local-react.' };
};
