import { ConflictError, SCHEDULER_CATEGORY, schedulerEvents, streamId, type RecordedEvent } from '@agent-platform/contracts';
import { dueAtOf, evolveAll, schedulerDecider, type ScheduledJobState, type StreamCursor } from '@agent-platform/command-api/commands';
import { LOG_START, repeatedLog, type EventStore, type Logger, type Subscription } from '@agent-platform/infra';
import { fireJob } from './fire.js';
import type { JobDispatcher } from './outcome.js';

export type SchedulerSettings = {
  /** This scheduler's name in the fires it records. */
  engineId: string;
  /** How long a fire is held before another scheduler may record it lost and fire it again. */
  leaseMs: number;
  /** How late a slot may fire before its job's misfire policy applies. */
  misfireGraceMs: number;
  /** How often the read model is asked for jobs due within `lookaheadMs`. */
  pollMs: number;
  lookaheadMs: number;
  /** Fires dispatched at once at most. */
  concurrency: number;
};
/** Jobs the platform fires that are due by `until`, in any workspace, soonest first: the read model's, where the log's subscription began too late to see them. */
export type DueJobs = (until: Date, limit: number) => Promise<{ id: string; workspace_id: string; due_at: string }[]>;
export type SchedulerDeps = SchedulerSettings & {
  store: EventStore;
  dueJobs: DueJobs;
  log: Logger;
  dispatch: JobDispatcher;
  /** The time, for tests that move it; `Date.now` otherwise. */
  clock?: () => number;
};
export type Scheduler = {
  stop: () => Promise<void>;
  /** Fires what is due now (its timer does so too), and resolves with how many fires it started once they ended. */
  runDue: () => Promise<number>;
  poll: () => Promise<void>;
  /** Resolves once the log's subscription and the first poll are under way. */
  started: Promise<void>;
};

/** A job this scheduler will act on soon: its stream as last seen (when read), and when it is due. */
type Entry = { workspaceId: string; dueAt: number; cursor?: StreamCursor<ScheduledJobState>; busy?: Promise<void> };

const JOB_TYPES = schedulerEvents.map((e) => e.type);
const POLL_LIMIT = 5000;
/** How long a job whose fire met a failure of the platform waits before it is tried again. */
const RETRY_AFTER_ERROR_MS = 1000;
const stream = (jobId: string) => streamId(SCHEDULER_CATEGORY, jobId);

/**
 * The scheduler: the jobs due within the lookahead are held in memory, each armed to fire at its due time
 * (one timer for the soonest). It learns of jobs from the log as they are written (a live subscription,
 * whoever wrote them) and from the read model polled every `pollMs` (jobs due soon, and what the
 * subscription could not see: jobs created before it started). Firing goes through the job's decider at
 * the version this process holds: a second scheduler that fires the same slot meets a conflict, catches
 * up, and is refused — the log's guarantee, so any number of schedulers may run.
 */
export const startScheduler = (deps: SchedulerDeps): Scheduler => {
  const now = deps.clock ?? Date.now;
  const entries = new Map<string, Entry>();
  const failedFire = repeatedLog(deps.log, 'error', 'a scheduled fire failed; it is retried when its lease runs out');
  const failedPoll = repeatedLog(deps.log, 'warn', 'the scheduler could not read due jobs; it polls again');
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let active = 0;
  const waiting: (() => void)[] = [];
  const inFlight = new Set<Promise<void>>();

  const slot = async () => {
    if (active >= deps.concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
  };
  const release = () => {
    active--;
    waiting.shift()?.();
  };

  const track = (jobId: string, entry: Entry) => {
    const dueAt = entry.cursor ? dueAtOf(entry.cursor.state) : new Date(entry.dueAt).toISOString();
    // A job due beyond the lookahead is dropped: the poll brings it back in time.
    if (dueAt === null || Date.parse(dueAt) > now() + deps.lookaheadMs) entries.delete(jobId);
    else {
      const busy = entries.get(jobId)?.busy;
      entries.set(jobId, { ...entry, dueAt: Date.parse(dueAt), ...(busy ? { busy } : {}) });
    }
  };

  const load = async (jobId: string): Promise<StreamCursor<ScheduledJobState>> => {
    const events = await deps.store.readStream(stream(jobId));
    const last = events.at(-1);
    return { state: evolveAll(schedulerDecider, schedulerDecider.initialState(), events), version: last?.stream_version ?? 0, position: last?.global_position ?? 0 };
  };

  /** One fire of one job (`fire.ts`), then armed again where its stream stands; never throws (a failure is logged, the job re-read). */
  const fireOne = async (jobId: string, entry: Entry): Promise<void> => {
    let workspaceId = entry.workspaceId;
    try {
      const cursor = entry.cursor ?? (await load(jobId));
      const { state } = cursor;
      if (state.status === 'none' || state.job.dispatch !== 'internal') return void entries.delete(jobId);
      workspaceId = state.workspaceId;
      track(jobId, { workspaceId, dueAt: 0, cursor: await fireJob({ ...deps, now }, jobId, cursor) });
    } catch (error) {
      if (!(error instanceof ConflictError)) {
        // The platform failed (the database is away, say), not the job: try it again a little later, read afresh.
        failedFire({ err: error, job_id: jobId, workspace_id: workspaceId });
        return void entries.set(jobId, { workspaceId, dueAt: now() + RETRY_AFTER_ERROR_MS });
      }
      // Another scheduler fired the slot (or the job moved on): read where it stands and arm it again.
      const reloaded = await load(jobId).catch(() => undefined);
      if (reloaded) track(jobId, { workspaceId, dueAt: 0, cursor: reloaded });
      else entries.set(jobId, { workspaceId, dueAt: now() + RETRY_AFTER_ERROR_MS });
    }
  };

  const runDue = async (): Promise<number> => {
    const started: Promise<void>[] = [];
    const at = now();
    for (const [jobId, entry] of entries) {
      if (entry.busy || entry.dueAt > at || stopped) continue;
      const busy = (async () => {
        await slot();
        try {
          if (!stopped) await fireOne(jobId, entry);
        } finally {
          release();
          const current = entries.get(jobId);
          if (current) delete current.busy;
          arm();
        }
      })();
      entry.busy = busy;
      inFlight.add(busy);
      void busy.finally(() => inFlight.delete(busy));
      started.push(busy);
    }
    await Promise.all(started);
    return started.length;
  };

  /** One timer, for the soonest job not already firing; looked for once per turn of the event loop, however many asked. */
  let armAsked = false;
  const arm = () => {
    if (armAsked || stopped) return;
    armAsked = true;
    setImmediate(armNow);
  };
  const armNow = () => {
    armAsked = false;
    if (stopped) return;
    let soonest = Infinity;
    for (const entry of entries.values()) if (!entry.busy && entry.dueAt < soonest) soonest = entry.dueAt;
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (soonest === Infinity) return;
    timer = setTimeout(() => void runDue(), Math.max(0, soonest - now()));
  };

  /** The job's events as the log has them: a job this process holds moves on, a new job due soon is taken. */
  const onEvents = async (events: RecordedEvent[]) => {
    for (const event of events) {
      const jobId = event.stream_id.slice(SCHEDULER_CATEGORY.length + 1);
      const entry = entries.get(jobId);
      if (entry?.busy) continue; // its own fire reads what it needs
      if (entry?.cursor) {
        if (event.stream_version <= entry.cursor.version) continue; // this process wrote it
        const cursor = event.stream_version === entry.cursor.version + 1
          ? { state: evolveAll(schedulerDecider, entry.cursor.state, [event]), version: event.stream_version, position: event.global_position }
          : undefined;
        if (cursor) track(jobId, { ...entry, cursor });
        else entries.set(jobId, { workspaceId: entry.workspaceId, dueAt: entry.dueAt });
      } else if (event.stream_version === 1) {
        track(jobId, { workspaceId: event.metadata.workspace_id, dueAt: 0, cursor: { state: evolveAll(schedulerDecider, schedulerDecider.initialState(), [event]), version: 1, position: event.global_position } });
      }
      // A job known only from the poll reads its stream when it is due.
    }
    arm();
  };

  const poll = async (): Promise<void> => {
    try {
      const due = await deps.dueJobs(new Date(now() + deps.lookaheadMs), POLL_LIMIT);
      for (const job of due) if (!entries.has(job.id)) entries.set(job.id, { workspaceId: job.workspace_id, dueAt: Date.parse(job.due_at) });
      arm();
    } catch (error) {
      failedPoll({ err: error });
    }
  };

  let subscription: Subscription | undefined;
  const started = (async () => {
    const head = await deps.store.headPosition();
    const from = head > 0 ? ((await deps.store.checkpointOf(head)) ?? LOG_START) : LOG_START;
    if (stopped) return;
    subscription = deps.store.subscribe({ from, types: JOB_TYPES, handle: onEvents, onError: (err) => failedPoll({ err }) });
    await poll();
  })().catch((err: unknown) => failedPoll({ err }));
  const poller = setInterval(() => void poll(), deps.pollMs);
  poller.unref();

  return {
    runDue,
    poll,
    started,
    stop: async () => {
      stopped = true;
      clearInterval(poller);
      if (timer) clearTimeout(timer);
      await started;
      await subscription?.stop();
      // Fires in flight end (their dispatch is bounded by its own timeout); nothing new starts.
      await Promise.all([...inFlight]);
    },
  };
};
