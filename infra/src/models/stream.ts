import type { ChatChunk, ChatResponse, FinishReason, ToolCall } from './port.js';

/** `text` in at most `pieces` parts, cut after whitespace so words stay whole; joined they give `text` back. */
export const splitText = (text: string, pieces: number): string[] => {
  if (!text) return [];
  const words = text.split(/(?<=\s)/);
  const size = Math.max(1, Math.ceil(words.length / pieces));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(''));
  return out;
};

/**
 * The chunks an OpenAI-style server streams for `response`: the role, the text in a few pieces (or each tool
 * call: its id and name, then its arguments in two pieces), the finish reason, and a last chunk with no
 * choices that carries the usage (as OpenAI sends it with `stream_options.include_usage`).
 */
export const chunksOf = (response: ChatResponse, pieces = 3): ChatChunk[] => {
  const { id, created, model } = response;
  const choice = response.choices[0]!;
  const chunk = (delta: ChatChunk['choices'][number]['delta'], finish: FinishReason | null = null): ChatChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const out = [chunk({ role: 'assistant', content: '' })];
  for (const piece of splitText(choice.message.content ?? '', pieces)) out.push(chunk({ content: piece }));
  (choice.message.tool_calls ?? []).forEach((call, index) => {
    out.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
    for (const piece of splitText(call.function.arguments, 2)) out.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  out.push(chunk({}, choice.finish_reason));
  if (response.usage) out.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: response.usage });
  return out;
};

/**
 * The completion a stream adds up to: text pieces concatenated, tool calls assembled by index, the last
 * finish reason and usage seen. A stream that ended without a finish reason counts as `stop`.
 */
export const collectChunks = async (chunks: AsyncIterable<ChatChunk> | Iterable<ChatChunk>): Promise<ChatResponse> => {
  let head: ChatChunk | undefined;
  let content = '';
  let finish: FinishReason | null = null;
  let usage: ChatResponse['usage'];
  const calls: ToolCall[] = [];
  for await (const chunk of chunks) {
    head ??= chunk;
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices.filter((c) => c.index === 0)) {
      content += choice.delta.content ?? '';
      finish = choice.finish_reason ?? finish;
      for (const delta of choice.delta.tool_calls ?? []) {
        const call = (calls[delta.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
        if (delta.id) call.id = delta.id;
        call.function.name += delta.function?.name ?? '';
        call.function.arguments += delta.function?.arguments ?? '';
      }
    }
  }
  const toolCalls = calls.filter(Boolean);
  return {
    id: head?.id ?? '',
    object: 'chat.completion',
    created: head?.created ?? 0,
    model: head?.model ?? '',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: content === '' && toolCalls.length ? null : content,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: finish ?? 'stop',
      },
    ],
    ...(usage ? { usage } : {}),
  };
};
