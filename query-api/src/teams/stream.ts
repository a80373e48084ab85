import { once } from 'node:events';
import type { Request, Response } from 'express';
import { createSession, type Session } from 'better-sse';
import { z } from 'zod';
import {
  AGENT_RUN_ENDINGS,
  AGENT_RUNS_CATEGORY,
  NotFoundError,
  streamId,
  TEAM_RUN_ENDINGS,
  TEAM_RUNS_CATEGORY,
  TeamMemberStepStarted,
  Uuid,
  type RecordedEvent,
} from '@agent-platform/contracts';
import { route, watchStream, type Api, type EventStore, type Logger } from '@agent-platform/infra';
import type { QueryDeps } from '../deps.js';

/** What each Server-Sent Event of a team run's stream carries: an event of the team run, or of one of its member runs. */
export const TeamRunStreamEvent = z
  .object({
    source: z.enum(['team_run', 'member_run']),
    /** For a member run's event: its step, member and agent run. */
    step_no: z.number().int().positive().nullable(),
    member_key: z.string().nullable(),
    agent_run_id: z.string().uuid().nullable(),
    type: z.string().describe('The event type; also the SSE `event` field.'),
    data: z.unknown(),
    stream_version: z.number().int().positive(),
    global_position: z.number().int().positive(),
    recorded_at: z.string(),
  })
  .meta({ id: 'TeamRunStreamEvent' });
type TeamRunStreamEvent = z.infer<typeof TeamRunStreamEvent>;

/**
 * Where a client stands in the team run's streams: the team run's version, then each member step's agent-run
 * version (`7;1:4;2:5`). Every SSE `id` is the cursor after its event, so a client that resumes with the last
 * one gets exactly what it missed, however the streams interleaved.
 */
const CURSOR = /^\d{1,10}(;\d{1,3}:\d{1,10}){0,100}$/;
type Cursor = { team: number; members: Map<number, number> };
const parseCursor = (text: string | undefined): Cursor => {
  const [team, ...members] = (text ?? '0').split(';');
  return { team: Number(team), members: new Map(members.map((m) => m.split(':').map(Number) as [number, number])) };
};
const formatCursor = ({ team, members }: Cursor) => [String(team), ...[...members].sort(([a], [b]) => a - b).map(([step, v]) => `${step}:${v}`)].join(';');

const StreamQuery = z.object({ last_event_id: z.string().regex(CURSOR).optional().describe('The same as the `Last-Event-ID` header.') });
const StreamHeaders = z.object({
  'last-event-id': z.string().regex(CURSOR).optional().describe('Resume after this cursor (the `id` of the last event received); an EventSource sends it when it reconnects.'),
});

const HEARTBEAT_MS = 15_000;
/** Once the team run ended, how long its open members' cancellations are waited for before the stream ends. */
const MEMBERS_GRACE_MS = 10_000;
type Step = { step_no: number; member_key: string; agent_run_id: string };
const stepOf = (e: RecordedEvent): Step => TeamMemberStepStarted.schema.parse(e.data);

const follow = async (store: EventStore, teamRunId: string, past: RecordedEvent[], cursor: Cursor, req: Request, res: Response, log: Logger) => {
  const controller = new AbortController();
  const stop = () => controller.abort();
  res.once('close', stop);
  if (res.destroyed) return;
  const session: Session = await createSession(req, res, { keepAlive: null, trustClientEventId: false, headers: { 'Content-Type': 'text/event-stream; charset=utf-8' } });
  const heartbeat = setInterval(() => session.isConnected && void session.batch((buffer) => void buffer.comment().dispatch()), HEARTBEAT_MS);
  const push = async (e: RecordedEvent, step: Step | undefined) => {
    if (step) cursor.members.set(step.step_no, e.stream_version);
    else cursor.team = e.stream_version;
    const event: TeamRunStreamEvent = {
      source: step ? 'member_run' : 'team_run',
      step_no: step?.step_no ?? null,
      member_key: step?.member_key ?? null,
      agent_run_id: step?.agent_run_id ?? null,
      type: e.type,
      data: e.data,
      stream_version: e.stream_version,
      global_position: e.global_position,
      recorded_at: e.recorded_at,
    };
    session.push(event, e.type, formatCursor(cursor));
    if (res.writableNeedDrain) await once(res, 'drain', { signal: controller.signal });
  };
  const members = new Map<number, Promise<void>>();
  const followMember = (step: Step) => {
    if (members.has(step.step_no)) return;
    members.set(
      step.step_no,
      (async () => {
        const stream = streamId(AGENT_RUNS_CATEGORY, step.agent_run_id);
        const seen = cursor.members.get(step.step_no) ?? 0;
        // A member run whose end the client has seen sends nothing more: it is not watched.
        const [last] = seen ? await store.readStream(stream, { fromVersion: seen, toVersion: seen }) : [];
        if (last && AGENT_RUN_ENDINGS.has(last.type)) return;
        for await (const e of watchStream(store, stream, { afterVersion: seen, signal: controller.signal })) {
          await push(e, step);
          if (AGENT_RUN_ENDINGS.has(e.type)) return;
        }
      })(),
    );
  };
  try {
    for (const e of past) if (e.type === TeamMemberStepStarted.type) followMember(stepOf(e));
    let ended = past.some((e) => TEAM_RUN_ENDINGS.has(e.type) && e.stream_version <= cursor.team);
    if (!ended) {
      for await (const e of watchStream(store, streamId(TEAM_RUNS_CATEGORY, teamRunId), { afterVersion: cursor.team, signal: controller.signal })) {
        if (e.type === TeamMemberStepStarted.type) followMember(stepOf(e));
        await push(e, undefined);
        if ((ended = TEAM_RUN_ENDINGS.has(e.type))) break;
      }
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(members.values()), new Promise((r) => (timer = setTimeout(r, MEMBERS_GRACE_MS)))]);
    clearTimeout(timer);
  } catch (error) {
    if (!controller.signal.aborted) log.warn({ err: error }, 'team run stream failed after it started');
  } finally {
    clearInterval(heartbeat);
    res.off('close', stop);
    controller.abort();
    if (!res.writableEnded) res.end();
  }
};

/** Whether a client at `cursor` has every event there will be: the team run ended, and so did each member run, all seen. */
const hasAll = async (store: EventStore, past: RecordedEvent[], cursor: Cursor): Promise<boolean> => {
  const last = past.at(-1);
  if (!last || !TEAM_RUN_ENDINGS.has(last.type) || cursor.team < last.stream_version) return false;
  const steps = past.filter((e) => e.type === TeamMemberStepStarted.type).map(stepOf);
  const ends = await Promise.all(steps.map(async (s) => (await store.readStream(streamId(AGENT_RUNS_CATEGORY, s.agent_run_id))).at(-1)));
  return ends.every((e, i) => !e || (AGENT_RUN_ENDINGS.has(e.type) && (cursor.members.get(steps[i]!.step_no) ?? 0) >= e.stream_version));
};

export const teamRunStream = (api: Api, deps: QueryDeps): void => {
  route(api, {
    method: 'get',
    path: '/teams/runs/:id/stream',
    summary: "Follow a team run's events and its member runs' events as they happen (Server-Sent Events)",
    description:
      "A `text/event-stream` of the team run's events and of every member run's, from their own streams (no read-model lag): " +
      '`event` = the event type, `data` = a `TeamRunStreamEvent` (`source` says whose), `id` = a cursor over all of them. Send ' +
      '`Last-Event-ID` (or `?last_event_id=`) to resume after it. The stream ends once the team run and its member runs ended; ' +
      '204 to a client that already has everything.',
    tags: ['team runs'],
    params: z.object({ id: Uuid }),
    query: StreamQuery,
    headers: StreamHeaders,
    responses: {
      200: { description: 'The events as Server-Sent Events.', schema: TeamRunStreamEvent, contentType: 'text/event-stream' },
      204: { description: 'The client already has every event: nothing more will come.' },
    },
    errors: [404],
    handler: async ({ params, query, headers, ctx, req, res }) => {
      const cursor = parseCursor(headers['last-event-id'] ?? query.last_event_id);
      const past = await deps.store.readStream(streamId(TEAM_RUNS_CATEGORY, params.id));
      if (past[0]?.metadata.workspace_id !== ctx.workspaceId) throw new NotFoundError('TEAM_RUN_NOT_FOUND', `team run ${params.id} does not exist in this workspace`);
      if (await hasAll(deps.store, past, cursor)) return { status: 204 };
      await follow(deps.store, params.id, past, cursor, req, res, ctx.log);
    },
  });
};
