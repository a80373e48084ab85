import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { pino } from 'pino';
import { eventCatalog, SESSIONS_CATEGORY, SessionOpened, streamId } from '@agent-platform/contracts';
import { createPostgresEventStore, createUpcaster } from '@agent-platform/infra';
import { capturingLogger, describeOnEachPostgres } from '@agent-platform/infra/testing';
import { replayProjection } from '../replay.js';
import { startProjectors } from '../runtime.js';
import { sessionsProjector } from '../sessions/projector.js';
import type { Projector } from '../projector.js';
import { appendSession, openProjectorFixture, waitFor, type ProjectorFixture } from '../testing/fixture.js';

/** A logger that keeps its lines, and how many of them say `msg`: what a loop wrote, counted. */
const capturingLog = () => {
  const { log, lines } = capturingLogger();
  return { log, count: (msg: string) => lines.filter((l) => l.msg === msg).length };
};

/** Retries in milliseconds, so a spec sees a poison event parked at once. */
const fast = { maxAttempts: 5, baseDelayMs: 2, maxDelayMs: 10 };

describeOnEachPostgres('a poison event in a projection', ({ db }) => {
  let f: ProjectorFixture;
  before(async () => {
    f = await openProjectorFixture(db().url);
  });
  after(async () => f?.close());

  const reached = (position: number) => f.reached(position);
  const parked = (position: number) => f.knex('ap_parked_events').where({ projection: 'sessions', global_position: position }).first();
  /** A session opened with data its projection cannot parse: `session_id` is no uuid. */
  const appendBrokenSession = async () => {
    const stream = streamId(SESSIONS_CATEGORY, randomUUID());
    const data = { session_id: 'not-a-uuid', app_id: 'app', user_id: 'user', channel_type: 'web', title: null, metadata_json: {} };
    const result = await f.store.append(stream, [{ type: 'SessionOpened', data, metadata: { workspace_id: 'tenant-a' } }], { expectedVersion: 'no_stream' });
    return { stream, position: result.lastPosition };
  };

  it('parks an event whose data breaks its projection after bounded retries, and projects the events after it', async () => {
    const { log, count } = capturingLog();
    const runtime = startProjectors({ ...f, projectors: [sessionsProjector], log, retry: fast });
    try {
      const poison = await appendBrokenSession();
      const next = await appendSession(f.store, 2, 'tenant-b');
      await waitFor(() => reached(next.position));
      expect(await f.knex('rm_sessions').where({ id: next.id }).first()).to.include({ workspace_id: 'tenant-b', message_count: 2 });
      // A read waiting for the poison event's own position is served: the checkpoint went past it.
      expect(await reached(poison.position)).to.equal(true);
      const row = await parked(poison.position);
      expect(row).to.include({ stream_id: poison.stream, event_type: 'SessionOpened', error_code: null });
      // Five attempts of its page, and one alone if the next session shared that page.
      expect(row.attempts).to.be.oneOf([5, 6]);
      expect(row.error_message).to.match(/^projecting SessionOpened at position \d+ threw: .*session_id/s);
      expect(row.parked_at).to.be.instanceOf(Date);
      expect(count('projector parked an event it could not apply; going on past it')).to.equal(1);
      // Four failed attempts before the fifth parked it: the first is logged, the others counted.
      expect(count('projector page failed; retrying')).to.equal(1);
    } finally {
      await runtime.stop();
    }
  });

  it('parks an old event its upcaster cannot lift, with the upcast error, and projects the events after it', async () => {
    // SessionOpened as if it were at version 2, with a step from version 1 that refuses data without a title.
    const lifting = createPostgresEventStore({
      pool: f.pool,
      upcaster: createUpcaster(
        eventCatalog.map((c) =>
          c.type !== SessionOpened.type
            ? c
            : {
                ...c,
                version: 2,
                upcasters: {
                  1: (data) => {
                    if (!('title' in (data as object))) throw new Error('a version 1 SessionOpened without a title');
                    return data;
                  },
                },
              },
        ),
      ),
    });
    const { log } = capturingLog();
    const runtime = startProjectors({ ...f, store: lifting, projectors: [sessionsProjector], log, retry: fast });
    try {
      // Stored as an old writer (or a direct write to the table) left it: version 1, no title.
      const id = randomUUID();
      const data = { session_id: id, app_id: 'app', user_id: 'user', channel_type: 'web', metadata_json: {} };
      const poison = await lifting.append(
        streamId(SESSIONS_CATEGORY, id),
        [{ type: 'SessionOpened', schema_version: 1, data, metadata: { workspace_id: 'tenant-a' } }],
        { expectedVersion: 'no_stream' },
      );
      const next = await appendSession(lifting, 1, 'tenant-b');
      await waitFor(() => reached(next.position));
      expect(await f.knex('rm_sessions').where({ id: next.id }).first()).to.include({ workspace_id: 'tenant-b', message_count: 1 });
      expect(await f.knex('rm_sessions').where({ id }).first()).to.equal(undefined);
      const row = await parked(poison.lastPosition);
      expect(row).to.include({
        event_type: 'SessionOpened',
        error_code: null,
        error_message: `upcasting SessionOpened at position ${poison.lastPosition} from version 1 failed: a version 1 SessionOpened without a title`,
      });
      expect(row.attempts).to.be.oneOf([5, 6]);
    } finally {
      await runtime.stop();
      await lifting.close();
    }
  });

  it('parks an event whose statement PostgreSQL refuses, with its SQLSTATE, and keeps the rest of its page', async () => {
    const doomed = randomUUID();
    const refusing: Projector = {
      ...sessionsProjector,
      project: (sql, e) => [...sessionsProjector.project(sql, e), ...((e.data as { session_id?: string }).session_id === doomed ? [sql.raw('SELECT 1 / 0')] : [])],
    };
    const { log } = capturingLog();
    // Stopped, so that the three sessions below come to it in one page when it starts.
    const before = await appendSession(f.store, 1);
    const runtime = startProjectors({ ...f, projectors: [refusing], log, retry: fast });
    try {
      await waitFor(() => reached(before.position));
      await runtime.stop();
      const first = await appendSession(f.store, 1);
      const bad = await f.store.append(
        streamId(SESSIONS_CATEGORY, doomed),
        [{ type: 'SessionOpened', data: { session_id: doomed, app_id: 'a', user_id: 'u', channel_type: 'web', title: null, metadata_json: {} }, metadata: { workspace_id: 'tenant-a' } }],
        { expectedVersion: 'no_stream' },
      );
      const last = await appendSession(f.store, 1);
      const again = startProjectors({ ...f, projectors: [refusing], log, retry: fast });
      try {
        await waitFor(() => reached(last.position));
      } finally {
        await again.stop();
      }
      expect(await parked(bad.lastPosition)).to.include({ error_code: '22012', event_type: 'SessionOpened', error_message: 'division by zero' });
      expect(await f.knex('rm_sessions').where({ id: doomed }).first()).to.equal(undefined);
      expect(await f.knex('rm_sessions').whereIn('id', [first.id, last.id]).count({ n: '*' })).to.deep.equal([{ n: 2 }]);
    } finally {
      await runtime.stop();
    }
  });

  it('retries a page that fails for a reason not its own for as long as it lasts, parks nothing, and logs the loop at a bounded rate', async () => {
    let failing = true;
    let attempts = 0;
    const serialization: Projector = {
      ...sessionsProjector,
      project: (sql, e) => {
        if (!failing) return sessionsProjector.project(sql, e);
        attempts++;
        return [sql.raw(`DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$`)];
      },
    };
    const { log, count } = capturingLog();
    const runtime = startProjectors({ ...f, projectors: [serialization], log, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    try {
      const session = await appendSession(f.store, 1);
      await waitFor(async () => attempts >= 50);
      expect(await reached(session.position)).to.equal(false);
      failing = false;
      await waitFor(() => reached(session.position));
      expect(await f.knex('ap_parked_events').where({ global_position: session.position }).first()).to.equal(undefined);
      expect(count('projector page failed; retrying')).to.equal(1);
    } finally {
      await runtime.stop();
    }
  });

  it('forgets what a projection parked when it is replayed, and parks what it still cannot apply', async () => {
    const poison = await appendBrokenSession();
    const runtime = startProjectors({ ...f, projectors: [sessionsProjector], log: pino({ level: 'silent' }), retry: fast });
    await waitFor(async () => Boolean(await parked(poison.position)));
    await runtime.stop();
    await f.knex('ap_parked_events').where({ projection: 'sessions' }).update({ error_message: 'before the replay' });
    const result = await replayProjection(f, sessionsProjector);
    const rows = await f.knex('ap_parked_events').where({ projection: 'sessions' });
    expect(result.parked).to.equal(rows.length);
    expect(rows.map((r) => r.error_message)).to.not.include('before the replay');
    expect(rows.map((r) => Number(r.global_position))).to.include(poison.position);
  });

  it('replays with the retry policy it is given, as the runtime is configured (npm run replay passed none)', async () => {
    const poison = await appendBrokenSession();
    await replayProjection({ ...f, retry: { ...fast, maxAttempts: 2 } }, sessionsProjector);
    // Two of the page, and one of the event alone where the page holds the earlier specs' events too; the default would be 5 or 6.
    expect(Number((await parked(poison.position)).attempts)).to.be.oneOf([2, 3]);
  });
});
