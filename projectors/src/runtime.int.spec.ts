import { expect } from 'chai';
import { pino } from 'pino';
import { getCheckpoint, LOG_START } from '@agent-platform/infra';
import { describeOnEachPostgres } from '@agent-platform/infra/testing';
import { applyPage } from './apply.js';
import { ProjectionThrew } from './projectionThrew.js';
import { startProjectors } from './runtime.js';
import { replayProjection, ProjectionBusyError } from './replay.js';
import { sessionsProjector } from './sessions/projector.js';
import type { Projector } from './projector.js';
import { appendSession, openProjectorFixture, readThrough, waitFor, type ProjectorFixture } from './testing/fixture.js';

const silent = pino({ level: 'silent' });

describeOnEachPostgres('projector runtime', ({ db }) => {
  let f: ProjectorFixture;
  before(async () => {
    f = await openProjectorFixture(db().url);
  });
  after(async () => f?.close());

  const reached = (position: number) => f.reached(position);
  /** A new session of one message, the page of the log that holds it, and the checkpoint before it. */
  const sessionPage = async () => {
    const before = await getCheckpoint(f.knex, 'sessions');
    const session = await appendSession(f.store, 1);
    return { before, session, page: await readThrough(f.store, before, session.position) };
  };
  const messageCount = async (id: string) =>
    Number((await f.knex('rm_session_messages').where({ session_id: id }).count({ n: '*' }))[0]!.n);

  it('applies a page and its checkpoint once: a page applied again changes nothing', async () => {
    const session = await appendSession(f.store, 3);
    const page = await readThrough(f.store, await getCheckpoint(f.knex, 'sessions'), session.position);
    const first = await applyPage(f, sessionsProjector, page.events, page.checkpoint);
    const again = await applyPage(f, sessionsProjector, page.events, page.checkpoint);
    expect(first).to.be.greaterThan(0);
    expect(again).to.equal(0);
    expect(await messageCount(session.id)).to.equal(3);
    expect((await getCheckpoint(f.knex, 'sessions')).globalPosition).to.equal(page.checkpoint.globalPosition);
  });

  it('applies only the part of a page after its checkpoint when an earlier page covered the rest', async () => {
    const from = await getCheckpoint(f.knex, 'sessions');
    const first = await appendSession(f.store, 2);
    const earlier = await readThrough(f.store, from, first.position);
    const second = await appendSession(f.store, 1);
    const wider = await readThrough(f.store, from, second.position);
    expect(await applyPage(f, sessionsProjector, earlier.events, earlier.checkpoint)).to.equal(3);
    // Applied again from the start, the first session's rows would break their unique keys.
    expect(await applyPage(f, sessionsProjector, wider.events, wider.checkpoint)).to.equal(2);
    expect(await messageCount(first.id)).to.equal(2);
    expect(await messageCount(second.id)).to.equal(1);
  });

  it('rolls back the read model and the checkpoint together when a statement fails in PostgreSQL', async () => {
    const { before, session, page } = await sessionPage();
    // The session's row is written before the failing statement, in the same round trip.
    const broken: Projector = {
      ...sessionsProjector,
      project: (sql, e) => [...sessionsProjector.project(sql, e), ...(e.type === 'SessionMessageAppended' ? [sql.raw('SELECT 1 / 0')] : [])],
    };
    const error = await applyPage(f, broken, page.events, page.checkpoint).catch((e: unknown) => e);
    expect(error).to.have.property('code', '22012');
    expect(await getCheckpoint(f.knex, 'sessions')).to.deep.equal(before);
    expect(await f.knex('rm_sessions').where({ id: session.id }).first()).to.equal(undefined);
    await applyPage(f, sessionsProjector, page.events, page.checkpoint);
    expect(await messageCount(session.id)).to.equal(1);
  });

  it('rolls back the read model and the checkpoint together when a statement fails on a page partly applied already', async () => {
    const from = await getCheckpoint(f.knex, 'sessions');
    const first = await appendSession(f.store, 1);
    const earlier = await readThrough(f.store, from, first.position);
    const second = await appendSession(f.store, 1);
    const wider = await readThrough(f.store, from, second.position);
    await applyPage(f, sessionsProjector, earlier.events, earlier.checkpoint);
    // The wider page's claim finds the first session applied, so it goes the slow way, statement by
    // statement: the second session's row is written, then its message's statement fails.
    const broken: Projector = {
      ...sessionsProjector,
      project: (sql, e) => [...sessionsProjector.project(sql, e), ...(e.type === 'SessionMessageAppended' ? [sql.raw('SELECT 1 / 0')] : [])],
    };
    const error = await applyPage(f, broken, wider.events, wider.checkpoint).catch((e: unknown) => e);
    expect(error).to.have.property('code', '22012');
    expect(await getCheckpoint(f.knex, 'sessions')).to.deep.equal(earlier.checkpoint);
    expect(await f.knex('rm_sessions').where({ id: second.id }).first(), 'a row written outside the page transaction').to.equal(undefined);
    expect(await applyPage(f, sessionsProjector, wider.events, wider.checkpoint)).to.equal(2);
    expect(await messageCount(second.id)).to.equal(1);
  });

  it('fails a page whose projection throws before anything is sent', async () => {
    const { before, session, page } = await sessionPage();
    const broken: Projector = {
      ...sessionsProjector,
      project: (sql, e) => {
        if (e.type === 'SessionMessageAppended') throw new Error('boom');
        return sessionsProjector.project(sql, e);
      },
    };
    const error = await applyPage(f, broken, page.events, page.checkpoint).catch((e: unknown) => e);
    // Marked as the event's own fault, which the runtime parks after its retries.
    expect(error).to.be.instanceOf(ProjectionThrew).and.to.have.nested.property('cause.message', 'boom');
    expect(await getCheckpoint(f.knex, 'sessions')).to.deep.equal(before);
    await applyPage(f, sessionsProjector, page.events, page.checkpoint);
    expect(await messageCount(session.id)).to.equal(1);
  });

  it('keeps a live read model current, and a standby runtime takes over when the leader stops', async () => {
    const leader = startProjectors({ ...f, projectors: [sessionsProjector], log: silent });
    let standby: ReturnType<typeof startProjectors> | undefined;
    try {
      const first = await appendSession(f.store, 2);
      await waitFor(() => reached(first.position));
      standby = startProjectors({ ...f, projectors: [sessionsProjector], log: silent, standbyRetryMs: 50 });
      await leader.stop();
      const second = await appendSession(f.store, 2);
      await waitFor(() => reached(second.position));
      expect(await messageCount(first.id)).to.equal(2);
      expect(await messageCount(second.id)).to.equal(2);
    } finally {
      await leader.stop();
      await standby?.stop();
    }
  });

  it('lets events gather after a page until its linger ends or a reader hurries it, and stops without waiting it out', async () => {
    const runtime = startProjectors({ ...f, projectors: [sessionsProjector], log: silent, lingerMs: 60_000 });
    try {
      const first = await appendSession(f.store, 1);
      await waitFor(() => reached(first.position));
      // The page with the first session was applied; the runtime now waits before it takes the next.
      const second = await appendSession(f.store, 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(await reached(second.position)).to.equal(false);
      runtime.hurry();
      await waitFor(() => reached(second.position), 2_000);
      expect(await messageCount(second.id)).to.equal(1);
    } finally {
      const stopping = Date.now();
      await runtime.stop();
      expect(Date.now() - stopping).to.be.below(5_000);
    }
  });

  it('rebuilds a read model from the log by replay, and refuses while a live runtime runs it', async () => {
    const session = await appendSession(f.store, 4);
    const runtime = startProjectors({ ...f, projectors: [sessionsProjector], log: silent });
    await waitFor(() => reached(session.position));
    expect(await replayProjection(f, sessionsProjector).catch((e) => e)).to.be.instanceOf(ProjectionBusyError);
    await runtime.stop();

    await f.knex('rm_session_messages').where({ session_id: session.id }).delete();
    const progress: number[] = [];
    const result = await replayProjection(f, sessionsProjector, (p) => progress.push(p.position));
    expect(await messageCount(session.id)).to.equal(4);
    expect(result.events).to.equal(Number((await f.knex('rm_session_messages').count({ n: '*' }))[0]!.n) +
      Number((await f.knex('rm_sessions').count({ n: '*' }))[0]!.n));
    expect(progress[progress.length - 1]).to.equal(await f.store.headPosition());
    expect(await getCheckpoint(f.knex, 'sessions')).to.not.deep.equal(LOG_START);
  });
});
