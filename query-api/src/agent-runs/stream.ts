import { once } from 'node:events';
import type { Request, Response } from 'express';
import { createSession } from 'better-sse';
import { z } from 'zod';
import {
  AGENT_RUN_ENDINGS,
  AGENT_RUNS_CATEGORY,
  NotFoundError,
  streamId,
  Uuid,
  ValidationError,
  type RecordedEvent,
} from '@agent-platform/contracts';
import { route, watchStream, type Api, type EventStore, type Logger } from '@agent-platform/infra';
import type { QueryDeps } from '../deps.js';

/** What each Server-Sent Event of a run's stream carries as its `data`. */
export const AgentRunStreamEvent = z
  .object({
    type: z.string().describe('The event type; also the SSE `event` field.'),
    data: z.unknown(),
    stream_version: z.number().int().positive().describe('Also the SSE `id` field: send it back as `Last-Event-ID` to resume after it.'),
    global_position: z.number().int().positive(),
    recorded_at: z.string(),
  })
  .meta({ id: 'AgentRunStreamEvent' });

const HEARTBEAT_MS = 15_000;
const VERSION = /^\d{1,10}$/;

const StreamQuery = z.object({
  last_event_id: z.string().regex(VERSION).optional().describe('The same as the `Last-Event-ID` header, for clients that cannot set headers.'),
});
const StreamHeaders = z.object({
  'last-event-id': z
    .string()
    .regex(VERSION)
    .optional()
    .describe('Resume after this stream version (the `id` of the last event received); an EventSource sends it when it reconnects.'),
});

/** The stream version to resume after: the `Last-Event-ID` header, else the query's; both parsed by the route as versions. */
const resumeAfter = (headers: z.infer<typeof StreamHeaders>, query: z.infer<typeof StreamQuery>): number =>
  Number(headers['last-event-id'] ?? query.last_event_id ?? 0);

const toStreamEvent = (e: RecordedEvent): AgentRunStreamEvent => ({
  type: e.type,
  data: e.data,
  stream_version: e.stream_version,
  global_position: e.global_position,
  recorded_at: e.recorded_at,
});
type AgentRunStreamEvent = z.infer<typeof AgentRunStreamEvent>;

/**
 * Sends the run's events after `after` as they are appended, and ends the response after the run's last
 * event. Stops watching when the client goes away.
 */
const follow = async (store: EventStore, stream: string, after: number, req: Request, res: Response, log: Logger): Promise<void> => {
  const controller = new AbortController();
  const stop = () => controller.abort();
  res.once('close', stop);
  if (res.destroyed) return;
  // better-sse's own keep-alive timer can outlive a client that leaves while the session is opening
  // (its timer starts after the close was handled), so the heartbeat is this loop's and ends with it.
  const session = await createSession(req, res, {
    keepAlive: null,
    trustClientEventId: false,
    headers: { 'Content-Type': 'text/event-stream; charset=utf-8' },
  });
  const heartbeat = setInterval(() => {
    if (session.isConnected) void session.batch((buffer) => void buffer.comment().dispatch());
  }, HEARTBEAT_MS);
  try {
    for await (const event of watchStream(store, stream, { afterVersion: after, signal: controller.signal })) {
      session.push(toStreamEvent(event), event.type, String(event.stream_version));
      if (AGENT_RUN_ENDINGS.has(event.type)) break;
      // A client that reads slower than the run writes holds the loop instead of a growing buffer.
      if (res.writableNeedDrain) await once(res, 'drain', { signal: controller.signal });
    }
  } catch (error) {
    if (!controller.signal.aborted) log.warn({ err: error }, 'agent run stream failed after it started');
  } finally {
    clearInterval(heartbeat);
    res.off('close', stop);
    controller.abort();
    if (!res.writableEnded) res.end();
  }
};

export const agentRunStream = (api: Api, deps: QueryDeps): void => {
  route(api, {
    method: 'get',
    path: '/agents/runs/:id/stream',
    summary: "Follow a run's events as they happen (Server-Sent Events)",
    description:
      'A `text/event-stream` of the run\'s events, from its own stream (no read-model lag): each SSE event has `id` = the stream ' +
      'version, `event` = the event type and `data` = an `AgentRunStreamEvent`. Send `Last-Event-ID` (or `?last_event_id=`) to ' +
      'resume after that version; an EventSource does so when it reconnects. The server ends the stream after the run\'s last ' +
      'event (`AgentRunCompleted`, `AgentRunFailed` or `AgentRunCancelled`), and answers 204, which stops an EventSource from ' +
      'reconnecting, to a client that already has it. A comment line every 15 s keeps proxies from closing an idle stream.',
    tags: ['agent runs'],
    params: z.object({ id: Uuid }),
    query: StreamQuery,
    headers: StreamHeaders,
    responses: {
      200: { description: "The run's events as Server-Sent Events.", schema: AgentRunStreamEvent, contentType: 'text/event-stream' },
      204: { description: "The client already has the run's last event: nothing more will come." },
    },
    errors: [404],
    handler: async ({ params, query, headers, ctx, req, res }) => {
      const after = resumeAfter(headers, query);
      const stream = streamId(AGENT_RUNS_CATEGORY, params.id);
      const [first, resumed] = await Promise.all([
        deps.store.readStream(stream, { fromVersion: 1, toVersion: 1 }),
        after > 0 ? deps.store.readStream(stream, { fromVersion: after, toVersion: after }) : Promise.resolve(undefined),
      ]);
      if (first[0]?.metadata.workspace_id !== ctx.workspaceId) {
        throw new NotFoundError('AGENT_RUN_NOT_FOUND', `agent run ${params.id} does not exist in this workspace`);
      }
      if (resumed && resumed.length === 0) {
        throw new ValidationError([{ field: 'last-event-id', message: "is not the id of an event of this run's stream" }]);
      }
      if (resumed && AGENT_RUN_ENDINGS.has(resumed[0]!.type)) return { status: 204 };
      await follow(deps.store, stream, after, req, res, ctx.log);
    },
  });
};
