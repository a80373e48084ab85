import { z } from 'zod';
import { EventPage, ListEventsQuery, MAX_STREAM_VERSION, NotFoundError, StreamEvents, StreamQuery, ValidationError, type RecordedEvent } from '@agent-platform/contracts';
import { LOG_START, route, type Api } from '@agent-platform/infra';
import type { QueryDeps } from '../deps.js';

/**
 * The most events one request reads from the log. Every request filters (by workspace at least), and a
 * filter that matches little used to scan 10,000 events: 442 ms, and eight such requests at once slowed
 * every other request. The page then ends early, even empty, and `next_after` says where to go on.
 */
const MAX_SCAN = 1_000;

export const auditQueries = (api: Api, deps: QueryDeps): void => {
  route(api, {
    method: 'get',
    path: '/streams/:stream_id',
    summary: "A page of one stream's events, with metadata (audit replay)",
    description: 'Pass `next_from_version` as `from_version` to continue; it is null on the last page.',
    tags: ['audit'],
    params: z.object({ stream_id: z.string().min(1).max(300) }),
    query: StreamQuery,
    responses: { 200: { description: 'The page in version order.', schema: StreamEvents } },
    errors: [404],
    handler: async ({ params, query, ctx }) => {
      // One event past the page tells whether another page follows.
      const toVersion = Math.min(query.from_version + query.limit, MAX_STREAM_VERSION);
      const read = await deps.store.readStream(params.stream_id, { fromVersion: query.from_version, toVersion });
      const events = read.slice(0, query.limit);
      // Every event, not only the first: a stream written before streams were scoped by workspace may mix
      // workspaces, and a page from the middle of a stream has no first event to vouch for it.
      if (events.length === 0 || events.some((e) => e.metadata.workspace_id !== ctx.workspaceId)) {
        throw new NotFoundError('STREAM_NOT_FOUND', `stream ${params.stream_id} has no events from version ${query.from_version} in this workspace`);
      }
      const version = events[events.length - 1]!.stream_version;
      return { status: 200, body: { stream_id: params.stream_id, version, events, next_from_version: read.length > query.limit ? version + 1 : null } };
    },
  });

  route(api, {
    method: 'get',
    path: '/events',
    summary: "A page of the workspace's global log, in log order",
    description:
      'The log is ordered by commit (transaction, then position) and read gap-safely: an event appears only once ' +
      'no earlier transaction can still commit. Pass `next_after` as `after` to continue. One request reads at most ' +
      `${MAX_SCAN} events of the log, so a page may hold fewer than \`limit\` items, or none, before the log ends: ` +
      'the log is read to its end when `next_after` equals `after`.',
    tags: ['audit'],
    query: ListEventsQuery,
    responses: { 200: { description: 'A page of events.', schema: EventPage } },
    handler: async ({ query, ctx }) => {
      let checkpoint = LOG_START;
      if (query.after > 0) {
        const point = await deps.store.checkpointOf(query.after);
        if (!point) throw new ValidationError([{ field: 'query.after', message: 'is not the position of an event in the log' }]);
        checkpoint = point;
      }
      const items: RecordedEvent[] = [];
      for (let scanned = 0; items.length < query.limit && scanned < MAX_SCAN; ) {
        const page = await deps.store.readAll({ after: checkpoint, limit: Math.min(1000, MAX_SCAN - scanned) });
        if (page.scanned === 0) break;
        scanned += page.scanned;
        for (const event of page.events) {
          checkpoint = { transactionId: event.transaction_id, globalPosition: event.global_position };
          if (event.metadata.workspace_id !== ctx.workspaceId) continue;
          if (query.type && event.type !== query.type) continue;
          if (query.stream_prefix && !event.stream_id.startsWith(query.stream_prefix)) continue;
          items.push(event);
          if (items.length === query.limit) break;
        }
      }
      return { status: 200, body: { items, next_after: checkpoint.globalPosition } };
    },
  });
};
