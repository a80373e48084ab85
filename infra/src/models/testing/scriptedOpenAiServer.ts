import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { DEFAULT_EMBEDDING_DIMENSION, localEmbedding } from '../../embeddings/local/localEmbedding.js';
import { countTokens, createLocalModelProvider } from '../local/localProvider.js';
import { ChatRequest, type ChatResponse, type FinishReason, type ModelProvider, type ToolCall, type Usage } from '../port.js';
import { chunksOf } from '../stream.js';

/** A request the server received; `body` is the parsed JSON (or the raw text when it is not JSON). */
export type RecordedRequest = { method: string; path: string; headers: http.IncomingHttpHeaders; body: unknown };

/** What the server answers to one `POST /v1/chat/completions` or `POST /v1/embeddings`. */
export type ScriptedReply =
  /** Any status, body and headers: a 429 with `retry-after-ms`, a 500, a 400 in OpenAI's `{ error }` shape. */
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** A completion with this message; streamed as chunks when the request has `stream: true`. */
  | { message: { content?: string | null; tool_calls?: ToolCall[] }; finish_reason?: FinishReason; usage?: Usage }
  /** Raw Server-Sent Events: each item one `data:` line (objects as JSON), then `data: [DONE]`, or nothing more if `stall`. */
  | { events: unknown[]; stall?: boolean }
  /** An embeddings answer with these vectors, whatever was asked (a wrong dimension, say). */
  | { embeddings: number[][] }
  /** No answer at all: the connection stays open until the client gives up or the server closes. */
  | { hang: true };

export type ScriptedOpenAiServer = {
  /** What to give the client as its base URL: `http://127.0.0.1:<port>/v1`. */
  baseURL: string;
  /** Every request, in arrival order, to assert what the client sent. */
  requests: RecordedRequest[];
  /** Replies for the next chat-completions and embeddings requests, in order; once used up, `fallback` answers. */
  enqueue: (...replies: ScriptedReply[]) => void;
  /** How many scripted replies are still waiting. */
  pending: () => number;
  close: () => Promise<void>;
};

export type ScriptedOpenAiServerOptions = {
  /** Answers chat-completions requests when the script is used up, and lists the models: local by default. */
  fallback?: ModelProvider;
  /** The length of the local embeddings `/v1/embeddings` answers with when a request does not ask for `dimensions`: 384 by default. */
  embeddingDimension?: number;
};

const EmbeddingsRequest = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1)]),
  dimensions: z.number().int().positive().optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
});

const openAiError = (status: number, message: string) => ({ status, body: { error: { message, type: 'invalid_request_error', code: null } } });

const completionOf = (reply: Extract<ScriptedReply, { message: unknown }>, model: string, n: number): ChatResponse => {
  const content = reply.message.content ?? null;
  const calls = reply.message.tool_calls;
  const completion = countTokens((content ?? '') + JSON.stringify(calls ?? ''));
  return {
    id: `chatcmpl-scripted-${n}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, ...(calls ? { tool_calls: calls } : {}) },
        finish_reason: reply.finish_reason ?? (calls?.length ? 'tool_calls' : 'stop'),
      },
    ],
    usage: reply.usage ?? { prompt_tokens: 1, completion_tokens: completion, total_tokens: 1 + completion },
  };
};

const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
};

const sendEvents = async (res: http.ServerResponse, events: Iterable<unknown> | AsyncIterable<unknown>, stall = false) => {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for await (const event of events) res.write(`data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`);
  if (!stall) res.end('data: [DONE]\n\n');
};

/**
 * A local stand-in for an OpenAI-compatible server (`/v1/chat/completions`, with `stream: true` as SSE,
 * `/v1/embeddings` and `/v1/models`), for tests of anything that talks to a model through the official
 * client: it records every request, answers with scripted replies first (errors to prove retries, a hang
 * to prove timeouts) and with deterministic answers after (the fallback provider's, the local
 * embedding's), so a whole ReAct loop, or an indexing run, can run through it.
 */
export const startScriptedOpenAiServer = async (options: ScriptedOpenAiServerOptions = {}): Promise<ScriptedOpenAiServer> => {
  const fallback = options.fallback ?? createLocalModelProvider();
  const requests: RecordedRequest[] = [];
  const script: ScriptedReply[] = [];
  let served = 0;

  const misplaced = (res: http.ServerResponse) => sendJson(res, 500, openAiError(500, 'the scripted reply is for the other route').body);
  const chat = async (body: unknown, res: http.ServerResponse) => {
    const reply = script.shift();
    const stream = (body as { stream?: unknown } | null)?.stream === true;
    if (reply && 'hang' in reply) return;
    if (reply && 'status' in reply) return sendJson(res, reply.status, reply.body, reply.headers);
    if (reply && 'embeddings' in reply) return misplaced(res);
    if (reply && 'events' in reply) return sendEvents(res, reply.events, reply.stall);
    const parsed = ChatRequest.safeParse(body);
    if (!parsed.success) {
      const { status, body: error } = openAiError(400, `invalid request: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
      return sendJson(res, status, error);
    }
    const request = parsed.data;
    if (reply) {
      const completion = completionOf(reply, request.model ?? fallback.defaultModel, ++served);
      return stream ? sendEvents(res, chunksOf(completion)) : sendJson(res, 200, completion);
    }
    return stream ? sendEvents(res, fallback.chatStream(request)) : sendJson(res, 200, await fallback.chat(request));
  };

  // Local embeddings stand in for a model that can shorten its vectors (`dimensions`), as OpenAI's v3 models do.
  const embeddings = (body: unknown, res: http.ServerResponse) => {
    const reply = script.shift();
    if (reply && 'hang' in reply) return;
    if (reply && 'status' in reply) return sendJson(res, reply.status, reply.body, reply.headers);
    if (reply && !('embeddings' in reply)) return misplaced(res);
    const parsed = EmbeddingsRequest.safeParse(body);
    if (!parsed.success) return sendJson(res, 400, openAiError(400, 'invalid embeddings request').body);
    const { model, input, dimensions, encoding_format } = parsed.data;
    const texts = typeof input === 'string' ? [input] : input;
    const dimension = dimensions ?? options.embeddingDimension ?? DEFAULT_EMBEDDING_DIMENSION;
    const vectors = reply ? reply.embeddings : texts.map((text) => Array.from(localEmbedding(text, dimension)));
    const encode = (v: number[]) => (encoding_format === 'base64' ? Buffer.from(Float32Array.from(v).buffer).toString('base64') : v);
    const tokens = texts.reduce((sum, text) => sum + countTokens(text), 0);
    const data = vectors.map((v, index) => ({ object: 'embedding', index, embedding: encode(v) }));
    return sendJson(res, 200, { object: 'list', model, data, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  };

  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: recorded as text, answered as a bad request below.
      }
      const path = (req.url ?? '').split('?')[0]!;
      requests.push({ method: req.method ?? '', path, headers: req.headers, body });
      const answer =
        req.method === 'POST' && path === '/v1/chat/completions'
          ? chat(body, res)
          : req.method === 'POST' && path === '/v1/embeddings'
            ? Promise.resolve(embeddings(body, res))
            : req.method === 'GET' && path === '/v1/models'
            ? fallback.listModels().then((data) => sendJson(res, 200, { object: 'list', data }))
            : Promise.resolve(sendJson(res, 404, openAiError(404, `no route ${req.method} ${path}`).body));
      answer.catch((error: unknown) => (res.headersSent ? res.destroy() : sendJson(res, 500, openAiError(500, String(error)).body)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...replies) => void script.push(...replies),
    pending: () => script.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
