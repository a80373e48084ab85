import { ConflictError, HUMAN_TASK_ENDED_STATUSES, HUMAN_TASKS_CATEGORY, NotFoundError, streamId } from '@agent-platform/contracts';
import { humanTaskDecider, sendCommand } from '@agent-platform/command-api/commands';
import { repeatedLog, type EventStore, type Knex, type Logger } from '@agent-platform/infra';
import { humanTasksReader } from '@agent-platform/projectors/readers';
import { repeatEvery } from '../runtime/repeat.js';

type Due = { workspace_id: string; id: string };
export type HumanTaskExpiryDeps = {
  store: EventStore;
  /** Up to `limit` open tasks past their `due_at` at `now`, as a read model knows them (it may lag: the stream decides). */
  due: (now: Date, limit: number) => Promise<Due[]>;
  now?: () => Date;
};
export type HumanTaskExpiry = { stop: () => Promise<void> };

/** Tasks expired per query of the read model; a fuller backlog is taken in further batches at once. */
export const HUMAN_TASK_EXPIRY_BATCH = 100;

/**
 * The refusals that say the task needs nothing: it ended meanwhile (answered, cancelled, expired by another
 * sweeper), or the read model listed it before it saw a change (none moves `due_at` today, but the stream decides).
 */
const ENDED = new Set(HUMAN_TASK_ENDED_STATUSES.map((status) => `HUMAN_TASK_${status.toUpperCase()}`));
const settled = (error: unknown) =>
  error instanceof NotFoundError || (error instanceof ConflictError && (ENDED.has(error.code) || ['HUMAN_TASK_NOT_DUE', 'HUMAN_TASK_NOT_EXPIRING'].includes(error.code)));

/** Expires one task, decided against its stream; whether this sweep recorded it (a duplicate is another sweeper's, under the same key). */
const expireOne = async (store: EventStore, task: Due, now: Date): Promise<boolean> => {
  const command = { type: 'ExpireHumanTask', data: { task_id: task.id, workspace_id: task.workspace_id, now: now.toISOString() } } as const;
  try {
    const sent = await sendCommand(store, humanTaskDecider, streamId(HUMAN_TASKS_CATEGORY, task.id), command, { workspaceId: task.workspace_id, idempotencyKey: `human-task-expiry:${task.id}` }, { retryOnConflict: 5 });
    return !sent.duplicate;
  } catch (error) {
    if (settled(error)) return false;
    throw error;
  }
};

/** One sweep: every open task due at `now` that the read model knows of, expired; how many this sweep expired. */
export const expireDueHumanTasks = async (deps: HumanTaskExpiryDeps, now: Date = (deps.now ?? (() => new Date()))()): Promise<number> => {
  let expired = 0;
  for (;;) {
    const due = await deps.due(now, HUMAN_TASK_EXPIRY_BATCH);
    let batch = 0;
    for (const task of due) if (await expireOne(deps.store, task, now)) batch++;
    expired += batch;
    // A full batch of which nothing expired (the read model lags behind the log) would come back the same.
    if (due.length < HUMAN_TASK_EXPIRY_BATCH || batch === 0) return expired;
  }
};

/**
 * The human task expiry sweeper of a processors process: every `intervalMs`, records `HumanTaskExpired` for
 * the open tasks past their `due_at`, found through the read model's partial index of open tasks with one.
 * A run waiting on such a task is woken by the event, as by any other ending.
 */
export const startHumanTaskExpiry = ({ knex, log: parentLog, intervalMs, ...rest }: Omit<HumanTaskExpiryDeps, 'due'> & { knex: Knex; log: Logger; intervalMs: number }): HumanTaskExpiry => {
  const deps: HumanTaskExpiryDeps = { ...rest, due: (now, limit) => humanTasksReader.dueForExpiry(knex, now, limit) };
  const log = parentLog.child({ component: 'human-task-expiry' });
  const failed = repeatedLog(log, 'warn', 'human task expiry sweep failed; it will be tried again');
  return repeatEvery(intervalMs, async () => {
    try {
      const expired = await expireDueHumanTasks(deps);
      if (expired) log.info({ expired }, 'human tasks past their due_at expired');
    } catch (error) {
      failed({ err: error });
    }
  });
};
