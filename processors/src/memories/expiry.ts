import { ConflictError, NotFoundError, type MemoryCommand } from '@agent-platform/contracts';
import { evolveAll, memoryDecider, memoryStreamOf, memorySubjectOf, sendCommand } from '@agent-platform/command-api/commands';
import { repeatedLog, type DataKeys, type EventStore, type Knex, type Logger } from '@agent-platform/infra';
import { memoriesReader } from '@agent-platform/projectors/readers';
import { repeatEvery } from '../runtime/repeat.js';

type Due = { workspace_id: string; id: string };
export type MemoryExpiryDeps = {
  store: EventStore;
  dataKeys: DataKeys;
  /** Up to `limit` memories past their `expires_at` at `now`, as a read model knows them (it may lag: the stream decides). */
  due: (now: Date, limit: number) => Promise<Due[]>;
  now?: () => Date;
};
export type MemoryExpiry = { stop: () => Promise<void> };

/** Memories erased per query of the read model; a fuller backlog is taken in further batches at once. */
export const EXPIRY_BATCH = 100;

/** The refusals that say the memory needs nothing more: erased already, by another sweeper or a forget. */
const settled = (error: unknown) => error instanceof NotFoundError || (error instanceof ConflictError && ['MEMORY_EXPIRED', 'MEMORY_FORGOTTEN'].includes(error.code));
/** The refusals that say it is not due after all: the read model had not seen an update that moved or removed its expiry. */
const notDue = (error: unknown) => error instanceof ConflictError && ['MEMORY_NOT_DUE', 'MEMORY_NOT_EXPIRING'].includes(error.code);

/** Sends the command; whether it recorded it here (a duplicate is another sweeper's, recorded first under the same key), or a refusal `ignored` allows. */
const recorded = async (send: () => Promise<{ duplicate: boolean }>, ignored: (error: unknown) => boolean) => {
  try {
    return !(await send()).duplicate;
  } catch (error) {
    if (ignored(error)) return false;
    throw error;
  }
};

/**
 * Erases one memory past its `expires_at` the way a forget does: decided first against its stream (one
 * not due, or already erased, destroys nothing), then its key destroyed, then `MemoryExpired` recorded,
 * so there is no moment at which the log says expired while the content still opens. Any number of
 * sweepers may race: destroying is idempotent and the second `ExpireMemory` is refused or a duplicate.
 */
const expireOne = async (deps: MemoryExpiryDeps, memory: Due, now: Date): Promise<boolean> => {
  const { workspace_id, id } = memory;
  const stream = memoryStreamOf(id);
  const expire = { type: 'ExpireMemory', data: { memory_id: id, workspace_id, now: now.toISOString() } } as const;
  try {
    memoryDecider.decide(expire, evolveAll(memoryDecider, memoryDecider.initialState(), await deps.store.readStream(stream)));
  } catch (error) {
    if (settled(error) || notDue(error)) return false;
    throw error;
  }
  await deps.dataKeys.destroyKey({ workspaceId: workspace_id, subject: memorySubjectOf(id) });
  const send = (command: MemoryCommand, key: string) => () =>
    sendCommand(deps.store, memoryDecider, stream, command, { workspaceId: workspace_id, idempotencyKey: `${key}:${id}` }, { retryOnConflict: 5 });
  let moved = false;
  const expired = await recorded(send(expire, 'memory-expiry'), (error) => settled(error) || (moved = notDue(error)));
  if (!moved) return expired;
  // Its expiry was moved or removed between the decision and the destroy: the key is gone all the same,
  // so the log must say the memory is erased, or the read model would keep showing what no key opens.
  const forget = { type: 'ForgetMemory', data: { memory_id: id, workspace_id, reason: 'expired while its expires_at was changed' } } as const;
  return recorded(send(forget, 'memory-expiry-forget'), settled);
};

/** One sweep: every memory due at `now` that the read model knows of, erased; how many this sweep erased. */
export const expireDueMemories = async (deps: MemoryExpiryDeps, now: Date = (deps.now ?? (() => new Date()))()): Promise<number> => {
  let erased = 0;
  for (;;) {
    const due = await deps.due(now, EXPIRY_BATCH);
    let batch = 0;
    for (const memory of due) if (await expireOne(deps, memory, now)) batch++;
    erased += batch;
    // A full batch of which nothing could be erased (the log says not due: the read model lags) would come back the same.
    if (due.length < EXPIRY_BATCH || batch === 0) return erased;
  }
};

/**
 * The memory expiry sweeper of a processors process: every `intervalMs`, erases the memories past their
 * `expires_at`. Reads stop showing a memory the moment it expires (they filter on `expires_at`); the sweep
 * is what destroys its key and records it, so its content is gone from the log too, and from any rebuild.
 */
export const startMemoryExpiry = ({ knex, log: parentLog, intervalMs, ...rest }: Omit<MemoryExpiryDeps, 'due'> & { knex: Knex; log: Logger; intervalMs: number }): MemoryExpiry => {
  const deps: MemoryExpiryDeps = { ...rest, due: (now, limit) => memoriesReader.dueForExpiry(knex, now, limit) };
  const log = parentLog.child({ component: 'memory-expiry' });
  const failed = repeatedLog(log, 'warn', 'memory expiry sweep failed; it will be tried again');
  return repeatEvery(intervalMs, async () => {
    try {
      const erased = await expireDueMemories(deps);
      if (erased) log.info({ erased }, 'expired memories erased');
    } catch (error) {
      failed({ err: error });
    }
  });
};
