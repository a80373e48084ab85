import { once } from 'node:events';
import type { Response } from 'express';
import { PlatformError } from '@agent-platform/contracts';
import type { ChatChunk, Logger } from '@agent-platform/infra';

/**
 * Sends a completion as OpenAI does: one Server-Sent Event per chunk (`data: <json>`), then `data: [DONE]`.
 * The first chunk is awaited before anything is sent, so a provider that fails at once (bad request,
 * rate limit, timeout) still gets a problem+json answer with its status. A failure after that can only
 * be told in the stream: an `{ "error": … }` event, which the official client raises as an error.
 * Usage-only chunks (no choices) are sent only when the client asked with `stream_options.include_usage`,
 * as OpenAI does, because clients that did not ask may read `choices[0]` of every chunk.
 */
export const sendChunks = async (res: Response, chunks: AsyncIterable<ChatChunk>, includeUsage: boolean, log: Logger): Promise<void> => {
  const iterator = chunks[Symbol.asyncIterator]();
  let next = await iterator.next();
  res.status(200).set({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  const write = async (text: string) => {
    // Wait when the client reads slower than the model writes, unless it went away.
    if (!res.write(text)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  };
  try {
    for (; !next.done && !res.destroyed; next = await iterator.next()) {
      const { usage, ...chunk } = next.value;
      if (!includeUsage && chunk.choices.length === 0) continue;
      await write(`data: ${JSON.stringify(includeUsage && usage ? { ...chunk, usage } : chunk)}\n\n`);
    }
    res.end('data: [DONE]\n\n');
  } catch (error) {
    if (res.destroyed) return; // the client left; the route aborted the provider call on purpose
    log.warn({ err: error }, 'model stream failed after it started');
    const code = error instanceof PlatformError ? error.code : 'INTERNAL';
    const message = error instanceof PlatformError ? error.message : 'the stream failed; the request id identifies it in the logs';
    res.end(`data: ${JSON.stringify({ error: { message, type: code.toLowerCase(), code } })}\n\n`);
  } finally {
    await iterator.return?.();
  }
};
