import { createHash } from 'node:crypto';
import type { ChatRequest, ChatResponse, ModelInfo, ModelProvider, Usage } from '../port.js';
import { chunksOf } from '../stream.js';
import { localAnswer } from './react.js';

export const LOCAL_MODEL = 'local-react';
/** A fixed date (2025-01-01), so the model list is the same on every machine. */
const LOCAL_MODEL_CREATED = 1_735_689_600;

/** A deterministic stand-in for a tokenizer: one token per four characters, rounded up. */
export const countTokens = (text: string): number => Math.ceil(text.length / 4);

export type LocalProviderOptions = {
  /** The model a request without `model` is answered as; `local-react` unless configured. */
  defaultModel?: string;
  now?: () => number;
};

/**
 * The provider of `npm start` and of the tests: no key, no network, the same answer to the same request
 * (rules in `react.ts`). It answers whatever `model` a request names, so agent definitions written for a
 * real model run unchanged on it. Prompt tokens are counted over the JSON of `messages` and `tools`,
 * completion tokens over the content (or the tool call's name and arguments). A text answer longer
 * than `max_tokens` is cut to `4 × max_tokens` characters with `finish_reason: 'length'`.
 */
export const createLocalModelProvider = (options: LocalProviderOptions = {}): ModelProvider => {
  const now = options.now ?? Date.now;
  const defaultModel = options.defaultModel ?? LOCAL_MODEL;

  const complete = (request: ChatRequest): ChatResponse => {
    const hash = createHash('sha256').update(JSON.stringify([request.messages, request.tools ?? null])).digest('hex');
    const answer = localAnswer(request);
    const base = { id: `chatcmpl-local-${hash.slice(0, 24)}`, object: 'chat.completion' as const, created: Math.floor(now() / 1000) };
    const model = request.model ?? defaultModel;
    const prompt = countTokens(JSON.stringify(request.messages) + (request.tools ? JSON.stringify(request.tools) : ''));
    const usage = (completion: number): Usage => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion });
    if ('toolCall' in answer) {
      const call = { name: answer.toolCall.name, arguments: JSON.stringify(answer.toolCall.arguments) };
      return {
        ...base,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, tool_calls: [{ id: `call_${hash.slice(0, 24)}`, type: 'function', function: call }] },
            finish_reason: 'tool_calls',
          },
        ],
        usage: usage(countTokens(call.name + call.arguments)),
      };
    }
    const limit = request.max_tokens;
    const cut = limit !== undefined && countTokens(answer.content) > limit;
    const content = cut ? answer.content.slice(0, limit * 4) : answer.content;
    return {
      ...base,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: cut ? 'length' : 'stop' }],
      usage: usage(countTokens(content)),
    };
  };

  const models: ModelInfo[] = [...new Set([LOCAL_MODEL, defaultModel])].map((id) => ({
    id,
    object: 'model',
    created: LOCAL_MODEL_CREATED,
    owned_by: 'agent-platform',
  }));
  return {
    name: 'local',
    defaultModel,
    listModels: async () => models,
    chat: async (request) => complete(request),
    chatStream: (request) =>
      (async function* () {
        yield* chunksOf(complete(request));
      })(),
  };
};
