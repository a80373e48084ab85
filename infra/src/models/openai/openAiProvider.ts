import OpenAI, { APIUserAbortError } from 'openai';
import { ProviderError } from '../errors.js';
import type { ChatRequest, ModelProvider } from '../port.js';
import { toChunk, toResponse } from './convert.js';
import { providerFailure } from './failures.js';

export type OpenAiProviderOptions = {
  /** The API root, `/v1` included: `https://api.openai.com/v1`, `http://localhost:11434/v1` (Ollama), … */
  baseURL: string;
  /** Unset for servers without keys (Ollama, a local vLLM); the client then sends a placeholder. */
  apiKey?: string;
  defaultModel: string;
  /** Per attempt, until the response starts (the client's timeout); in a stream, also the longest wait between chunks. */
  timeoutMs: number;
  maxRetries: number;
};

/** The official client refuses to start without a key; keyless servers ignore whatever is sent. */
const NO_KEY = 'no-key';

/**
 * A provider behind any OpenAI-compatible chat-completions API (OpenAI, Ollama, vLLM, LiteLLM, …), through
 * the official `openai` client. The client retries 408, 409, 429, 5xx and connection failures on its own,
 * `maxRetries` times, with exponential backoff (0.5 s doubling up to 8 s, with jitter) or the server's
 * `retry-after` / `retry-after-ms`, and abandons an attempt whose response has not started after
 * `timeoutMs`: no retry loop is added here. A stream is retried only until its first byte.
 * Streams ask for `stream_options.include_usage`, so the last chunk carries the usage.
 */
export const createOpenAiProvider = (options: OpenAiProviderOptions): ModelProvider => {
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey ?? NO_KEY,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
  });
  const fail = (error: unknown) => providerFailure(error, options.apiKey);
  const params = (request: ChatRequest) => ({ ...request, model: request.model ?? options.defaultModel });

  return {
    name: 'openai-compatible',
    defaultModel: options.defaultModel,
    listModels: async (call) => {
      try {
        const page = await client.models.list({ signal: call?.signal });
        return page.data.map((m) => ({ id: m.id, object: 'model' as const, created: m.created ?? 0, owned_by: m.owned_by ?? '' }));
      } catch (error) {
        throw fail(error);
      }
    },
    chat: async (request, call) => {
      try {
        return toResponse(await client.chat.completions.create({ ...params(request), stream: false }, { signal: call?.signal }));
      } catch (error) {
        throw fail(error);
      }
    },
    chatStream: (request, call) =>
      (async function* () {
        // The client's timeout ends when the response starts; a stream that stalls later is cut here, by
        // the same timeout counted between chunks (and not while the consumer holds a chunk).
        const idle = new AbortController();
        const signal = call?.signal ? AbortSignal.any([call.signal, idle.signal]) : idle.signal;
        let timer: NodeJS.Timeout | undefined;
        const stalled = () =>
          new ProviderError('PROVIDER_TIMEOUT', `the model provider's stream stalled for ${options.timeoutMs} ms`, 'unavailable');
        try {
          const body = { ...params(request), stream: true as const, stream_options: { include_usage: true } };
          const chunks = (await client.chat.completions.create(body, { signal }))[Symbol.asyncIterator]();
          try {
            for (;;) {
              timer = setTimeout(() => idle.abort(), options.timeoutMs);
              const next = await chunks.next();
              clearTimeout(timer);
              // The client ends a stream quietly when it is aborted: a stall must not pass for a complete answer.
              if (idle.signal.aborted) throw stalled();
              if (call?.signal?.aborted) throw new APIUserAbortError();
              if (next.done) return;
              yield toChunk(next.value);
            }
          } finally {
            await chunks.return?.();
          }
        } catch (error) {
          throw fail(error);
        } finally {
          clearTimeout(timer);
        }
      })(),
  };
};
