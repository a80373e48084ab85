import { z } from 'zod';
import { ChatChunk, ChatRequest, ChatResponse, route, type Api, type ModelProvider } from '@agent-platform/infra';
import { abortOnDisconnect } from '../abortOnDisconnect.js';
import { sendChunks } from './sse.js';

/** OpenAI's request body: the port's request plus the streaming switches, which pick `chat` or `chatStream`. */
export const ChatCompletionBody = ChatRequest.extend({
  stream: z.boolean().optional().describe('Answer with Server-Sent Events (`text/event-stream`) instead of one JSON object.'),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
}).meta({ id: 'ChatCompletionBody' });

const PATH = '/models/chat/completions';

/**
 * The model gateway in OpenAI's wire format, so the official client works with `<server>/gateway/models`
 * as its base URL. It lives on the command side only because it is not a GET: it appends no events and
 * changes no state; agent runs record their model calls as events through their own commands.
 */
export const modelRoutes = (api: Api, models: ModelProvider): void => {
  route(api, {
    method: 'post',
    path: PATH,
    summary: 'Create a chat completion (OpenAI-compatible); `stream: true` answers Server-Sent Events',
    description:
      'Forwards to the configured model provider (the deterministic local `local-react` model when none is set). ' +
      'With `stream: true` the answer is `text/event-stream`: one `data: <ChatCompletionChunk>` event per chunk, then `data: [DONE]`. ' +
      'Appends no events.',
    tags: ['models'],
    body: ChatCompletionBody,
    responses: { 200: { description: 'The completion, or its chunks as Server-Sent Events when `stream` is true.', schema: ChatResponse } },
    errors: [422, 503],
    handler: async ({ body, ctx, res }) => {
      const { stream, stream_options: streamOptions, ...request } = body;
      const signal = abortOnDisconnect(res);
      if (stream) return sendChunks(res, models.chatStream(request, { signal }), streamOptions?.include_usage === true, ctx.log);
      try {
        return { status: 200, body: await models.chat(request, { signal }) };
      } catch (error) {
        if (signal.aborted) return; // the client left; there is nobody to tell
        throw error;
      }
    },
  });
  documentEventStream(api);
};

/** The route helper documents one media type per status; the streamed form of the same 200 is added here. */
const documentEventStream = (api: Api): void => {
  for (const definition of api.registry.definitions) {
    if (definition.type !== 'route' || definition.route.path !== PATH) continue;
    const ok = definition.route.responses[200];
    if (ok && 'content' in ok && ok.content) ok.content['text/event-stream'] = { schema: ChatChunk };
  }
};
