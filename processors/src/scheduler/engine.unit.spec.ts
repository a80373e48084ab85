import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { pino } from 'pino';
import { SCHEDULER_CATEGORY, streamId, type JobDefinition, type RecordedEvent } from '@agent-platform/contracts';
import { dueAtOf, evolveAll, schedulerDecider, sendCommand } from '@agent-platform/command-api/commands';
import { LOG_START, type EventStore } from '@agent-platform/infra';
import { createInMemoryEventStore } from '@agent-platform/infra/testing';
import { startScheduler, type DueJobs, type Scheduler } from './engine.js';
import type { FireOutcome, JobDispatcher } from './outcome.js';

const silent = pino({ level: 'silent' });
const ws = 'ws-1';

/** The read model's question, answered from the log itself: every job's due time by its own stream. */
const dueFromLog = (store: EventStore): DueJobs => async (until) => {
  const { events } = await store.readAll({ after: LOG_START, limit: 100_000, types: ['ScheduledJobCreated', 'ScheduledJobFired', 'ScheduledJobFireSucceeded', 'ScheduledJobFireFailed', 'ScheduledJobSlotsSkipped', 'ScheduledJobPaused', 'ScheduledJobResumed', 'ScheduledJobCancelled'] });
  const byJob = new Map<string, RecordedEvent[]>();
  for (const e of events) byJob.set(e.stream_id, [...(byJob.get(e.stream_id) ?? []), e]);
  return [...byJob.entries()]
    .map(([stream, es]) => ({ id: stream.slice(SCHEDULER_CATEGORY.length + 1), workspace_id: ws, due_at: dueAtOf(evolveAll(schedulerDecider, schedulerDecider.initialState(), es)) }))
    .filter((j): j is { id: string; workspace_id: string; due_at: string } => j.due_at !== null && Date.parse(j.due_at) <= until.getTime());
};

describe('scheduler engine (in memory, a clock the test moves)', () => {
  let store: EventStore;
  let clock: number;
  let dispatched: { jobId: string; slot: string; attempt: number; at: string }[];
  let outcomes: FireOutcome[];
  let engine: Scheduler | undefined;
  const dispatch: JobDispatcher = async (job, fire) => {
    dispatched.push({ jobId: job.job_id, slot: fire.slot, attempt: fire.attempt, at: new Date(clock).toISOString() });
    return outcomes.shift() ?? { ok: true, result: {} };
  };
  const start = async (engineId = 'engine-a') => {
    engine = startScheduler({ store, dueJobs: dueFromLog(store), log: silent, dispatch, clock: () => clock, engineId, leaseMs: 30_000, misfireGraceMs: 60_000, pollMs: 3_600_000, lookaheadMs: 30 * 86_400_000, concurrency: 8 });
    await engine.started;
    return engine;
  };
  /** Moves the clock and fires whatever that made due, until nothing more is. */
  const advanceTo = async (iso: string) => {
    clock = Date.parse(iso);
    await engine!.poll();
    while ((await engine!.runDue()) > 0);
  };
  const create = async (job: Partial<JobDefinition>) => {
    const id = randomUUID();
    const definition = { job_type: 'event', name: 'job', schedule_time: null, cron: null, timezone: 'UTC', payload_json: {}, max_attempts: 3, retry_backoff_seconds: 10, misfire_policy: 'fire_once', catch_up_window_seconds: 3600, dispatch: 'internal', ...job } as const;
    await sendCommand(store, schedulerDecider, streamId(SCHEDULER_CATEGORY, id), { type: 'CreateScheduledJob', data: { ...definition, job_id: id, workspace_id: ws, now: new Date(clock).toISOString() } }, { workspaceId: ws }, { newStream: true });
    return id;
  };
  const typesOf = async (id: string) => (await store.readStream(streamId(SCHEDULER_CATEGORY, id))).map((e) => e.type);
  const firedSlots = async (id: string) => (await store.readStream(streamId(SCHEDULER_CATEGORY, id))).filter((e) => e.type === 'ScheduledJobFired').map((e) => (e.data as { slot: string }).slot);

  beforeEach(() => {
    store = createInMemoryEventStore();
    clock = Date.parse('2026-03-06T12:00:00.000Z');
    dispatched = [];
    outcomes = [];
  });
  afterEach(async () => engine?.stop());

  it('fires a cron job on each slot of its time zone, across the spring and autumn daylight saving changes', async () => {
    await start();
    const spring = await create({ cron: '30 2 * * *', timezone: 'America/New_York' });
    for (const at of ['2026-03-07T07:29:59.000Z', '2026-03-07T07:30:00.000Z', '2026-03-08T06:59:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']) await advanceTo(at);
    // 02:30 EST is 07:30Z; on 2026-03-08 02:30 does not exist (02:00 → 03:00) and croner fires at 03:00 EDT, 07:00Z; then 02:30 EDT, 06:30Z.
    expect(await firedSlots(spring)).to.deep.equal(['2026-03-07T07:30:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
    expect(dispatched.map((d) => d.at)).to.deep.equal(['2026-03-07T07:30:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);

    clock = Date.parse('2026-10-31T12:00:00.000Z');
    const autumn = await create({ cron: '30 1 * * *', timezone: 'America/New_York' });
    // 01:30 happens twice on 2026-11-01 (EDT 05:30Z, then EST 06:30Z): it fires once, at the first.
    for (const at of ['2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z', '2026-11-02T06:30:00.000Z']) await advanceTo(at);
    expect(await firedSlots(autumn)).to.deep.equal(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });

  it('retries a failed dispatch after the backoff, up to max_attempts', async () => {
    await start();
    outcomes = [{ ok: false, error: { code: 'DOWN', message: 'down' } }, { ok: false, error: { code: 'DOWN', message: 'down' } }];
    const id = await create({ schedule_time: '2026-03-06T12:01:00.000Z' });
    await advanceTo('2026-03-06T12:01:00.000Z');
    await advanceTo('2026-03-06T12:01:09.000Z'); // the backoff is 10 s: not yet
    await advanceTo('2026-03-06T12:01:10.000Z');
    await advanceTo('2026-03-06T12:01:30.000Z'); // then 20 s
    expect(dispatched.map((d) => [d.attempt, d.at])).to.deep.equal([
      [1, '2026-03-06T12:01:00.000Z'],
      [2, '2026-03-06T12:01:10.000Z'],
      [3, '2026-03-06T12:01:30.000Z'],
    ]);
    expect(await typesOf(id)).to.deep.equal(['ScheduledJobCreated', 'ScheduledJobFired', 'ScheduledJobFireFailed', 'ScheduledJobFired', 'ScheduledJobFireFailed', 'ScheduledJobFired', 'ScheduledJobFireSucceeded']);
  });

  describe('after a downtime of 62 minutes, with no scheduler running', () => {
    const downtime = async (misfire_policy: JobDefinition['misfire_policy'], catch_up_window_seconds = 3600) => {
      clock = Date.parse('2026-04-26T11:58:00.000Z');
      const id = await create({ cron: '*/5 * * * *', misfire_policy, catch_up_window_seconds });
      clock = Date.parse('2026-04-26T13:02:00.000Z');
      await start();
      await advanceTo('2026-04-26T13:02:00.000Z');
      return id;
    };
    it('fire_once fires the newest missed slot once', async () => {
      const id = await downtime('fire_once');
      expect(await firedSlots(id)).to.deep.equal(['2026-04-26T13:00:00.000Z']);
      expect(await typesOf(id)).to.include('ScheduledJobSlotsSkipped');
    });
    it('skip fires none of them, and the next slot on time', async () => {
      const id = await downtime('skip');
      expect(await firedSlots(id)).to.deep.equal([]);
      await advanceTo('2026-04-26T13:05:00.000Z');
      expect(await firedSlots(id)).to.deep.equal(['2026-04-26T13:05:00.000Z']);
    });
    it('fire_all fires every missed slot inside its window, oldest first, each once', async () => {
      const id = await downtime('fire_all', 7200);
      const slots = await firedSlots(id);
      expect(slots).to.have.length(13);
      expect(slots[0]).to.equal('2026-04-26T12:00:00.000Z');
      expect(slots.at(-1)).to.equal('2026-04-26T13:00:00.000Z');
      expect(new Set(slots).size).to.equal(13);
      const windowed = await downtime('fire_all', 1800);
      expect(await firedSlots(windowed)).to.deep.equal(['2026-04-26T12:35:00.000Z', '2026-04-26T12:40:00.000Z', '2026-04-26T12:45:00.000Z', '2026-04-26T12:50:00.000Z', '2026-04-26T12:55:00.000Z', '2026-04-26T13:00:00.000Z']);
    });
  });

  it('survives a dispatch that throws (the platform failing, not the job), and tries the job again a second later', async () => {
    let throwing = true;
    const flaky: JobDispatcher = async (job, fire) => {
      if (throwing) throw new Error('connection refused');
      return dispatch(job, fire, { workspaceId: ws, jobId: job.job_id });
    };
    engine = startScheduler({ store, dueJobs: dueFromLog(store), log: silent, dispatch: flaky, clock: () => clock, engineId: 'engine-a', leaseMs: 30_000, misfireGraceMs: 60_000, pollMs: 3_600_000, lookaheadMs: 86_400_000, concurrency: 8 });
    await engine.started;
    const id = await create({ schedule_time: '2026-03-06T12:00:10.000Z' });
    await advanceTo('2026-03-06T12:00:10.000Z');
    expect(await typesOf(id)).to.deep.equal(['ScheduledJobCreated']);
    throwing = false;
    await advanceTo('2026-03-06T12:00:10.500Z');
    expect(await typesOf(id)).to.deep.equal(['ScheduledJobCreated']);
    await advanceTo('2026-03-06T12:00:11.000Z');
    expect(await typesOf(id)).to.deep.equal(['ScheduledJobCreated', 'ScheduledJobFired', 'ScheduledJobFireSucceeded']);
  });

  it('records a fire lost with its scheduler and fires it again once the lease ran out', async () => {
    const id = await create({ schedule_time: '2026-03-06T12:00:10.000Z' });
    // Another scheduler fired the slot and died before it dispatched or recorded anything.
    await sendCommand(
      store,
      schedulerDecider,
      streamId(SCHEDULER_CATEGORY, id),
      { type: 'FireScheduledJob', data: { job_id: id, workspace_id: ws, now: '2026-03-06T12:00:10.000Z', lease_ms: 30_000, grace_ms: 60_000, fired_by: 'dead-engine', from_worker: false } },
      { workspaceId: ws },
    );
    await start();
    await advanceTo('2026-03-06T12:00:30.000Z');
    expect(dispatched).to.deep.equal([]);
    await advanceTo('2026-03-06T12:00:40.000Z');
    expect(dispatched.map((d) => d.attempt)).to.deep.equal([2]);
    expect(await typesOf(id)).to.deep.equal(['ScheduledJobCreated', 'ScheduledJobFired', 'ScheduledJobFireFailed', 'ScheduledJobFired', 'ScheduledJobFireSucceeded']);
  });

  for (const job_type of ['http', 'event'] as const) {
    it(`fires each of 200 due ${job_type} jobs once with two schedulers on one store`, async () => {
      const first = await start('engine-a');
      const second = startScheduler({ store, dueJobs: dueFromLog(store), log: silent, dispatch, clock: () => clock, engineId: 'engine-b', leaseMs: 30_000, misfireGraceMs: 60_000, pollMs: 3_600_000, lookaheadMs: 86_400_000, concurrency: 8 });
      await second.started;
      const ids = await Promise.all(Array.from({ length: 200 }, () => create({ job_type, schedule_time: '2026-03-06T12:00:05.000Z' })));
      clock = Date.parse('2026-03-06T12:00:05.000Z');
      await Promise.all([first.poll(), second.poll()]);
      await Promise.all([first.runDue(), second.runDue()]);
      await Promise.all([first.runDue(), second.runDue()]);
      await second.stop();
      for (const id of ids) expect(await typesOf(id)).to.deep.equal(['ScheduledJobCreated', 'ScheduledJobFired', 'ScheduledJobFireSucceeded']);
      expect(new Set(dispatched.map((d) => d.jobId))).to.deep.equal(new Set(ids));
      // An HTTP call is made once: its fire is recorded before it. An event's append is keyed by its slot, so the
      // loser of a race may make it again, and the store answers with the first (engine.int.spec.ts counts them).
      if (job_type === 'http') expect(dispatched).to.have.length(200);
    });
  }
});
