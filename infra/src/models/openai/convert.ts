import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import { ProviderError } from '../errors.js';
import { FinishReason, type ChatChunk, type ChatResponse, type ToolCall } from '../port.js';

/*
 * The client's types to the port's. Compatible servers differ in small ways (a missing usage, a finish reason
 * of their own, custom tool calls): each is mapped to the port's shape here, so callers see one shape.
 */

const finishOf = (reason: string | null | undefined): FinishReason => FinishReason.safeParse(reason).data ?? 'stop';

const toolCallsOf = (calls: ChatCompletionMessageToolCall[] | undefined): { tool_calls?: ToolCall[] } => {
  const functions = (calls ?? []).flatMap((c) =>
    c.type === 'function' ? [{ id: c.id, type: 'function' as const, function: { name: c.function.name, arguments: c.function.arguments } }] : [],
  );
  return functions.length ? { tool_calls: functions } : {};
};

const usageOf = (usage: ChatCompletion['usage'] | null | undefined) =>
  usage ? { usage: { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, total_tokens: usage.total_tokens } } : {};

/** The provider's answer in the port's shape; fields some compatible servers leave out get neutral values. */
export const toResponse = (completion: ChatCompletion): ChatResponse => {
  if (!completion.choices?.length) throw new ProviderError('PROVIDER_BAD_RESPONSE', 'the model provider answered with no choices', 'unavailable');
  return {
    id: completion.id ?? '',
    object: 'chat.completion',
    created: completion.created ?? 0,
    model: completion.model ?? '',
    choices: completion.choices.map((choice) => ({
      index: choice.index ?? 0,
      message: { role: 'assistant', content: choice.message.content ?? null, ...toolCallsOf(choice.message.tool_calls) },
      finish_reason: finishOf(choice.finish_reason),
    })),
    ...usageOf(completion.usage),
  };
};

export const toChunk = (chunk: ChatCompletionChunk): ChatChunk => ({
  id: chunk.id ?? '',
  object: 'chat.completion.chunk',
  created: chunk.created ?? 0,
  model: chunk.model ?? '',
  choices: (chunk.choices ?? []).map((choice) => ({
    index: choice.index ?? 0,
    delta: {
      ...(choice.delta.role === 'assistant' ? { role: 'assistant' as const } : {}),
      ...(choice.delta.content != null ? { content: choice.delta.content } : {}),
      ...(choice.delta.tool_calls?.length
        ? {
            tool_calls: choice.delta.tool_calls.map((d) => ({
              index: d.index,
              ...(d.id ? { id: d.id } : {}),
              ...(d.type ? { type: d.type } : {}),
              ...(d.function ? { function: { ...d.function } } : {}),
            })),
          }
        : {}),
    },
    finish_reason: choice.finish_reason ? finishOf(choice.finish_reason) : null,
  })),
  ...usageOf(chunk.usage),
});
