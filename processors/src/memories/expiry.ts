import { ConflictError, NotFoundError } from '@agent-platform/contracts';
import { evolveAll, memoryDecider, memoryStreamOf, memorySubjectOf, sendCommand, type CommandContext } from '@agent-platform/command-api/commands';
import { repeatedLog, type DataKeys, type EventStore, type Knex, type Logger } from '@agent-platform/infra';
import { memoriesReader } from '@agent-platform/projectors/readers';

export type MemoryExpiryDeps = { store: EventStore; knex: Knex; dataKeys: DataKeys; log: Logger; now?: () => Date };
export type MemoryExpiry = { stop: () => Promise<void> };

/** Memories erased per query of the read model; a fuller backlog is taken in further batches at once. */
export const EXPIRY_BATCH = 100;

/** The refusals that say the memory needs nothing more: erased already, by another sweeper or a forget. */
const settled = (error: unknown) => error instanceof NotFoundError || (error instanceof ConflictError && ['MEMORY_EXPIRED', 'MEMORY_FORGOTTEN'].includes(error.code));

/**
 * Erases one memory past its `expires_at` the way a forget does: decided first against its stream (one
 * not due, or already erased, destroys nothing), then its key destroyed, then `MemoryExpired` recorded,
 * so there is no moment at which the log says expired while the content still opens. Any number of
 * sweepers may race: destroying is idempotent and the second `ExpireMemory` is refused as expired.
 */
const expireOne = async (deps: MemoryExpiryDeps, memory: { workspace_id: string; id: string }, now: Date): Promise<boolean> => {
  const stream = memoryStreamOf(memory.id);
  const command = { type: 'ExpireMemory', data: { memory_id: memory.id, workspace_id: memory.workspace_id, now: now.toISOString() } } as const;
  const context: CommandContext = { workspaceId: memory.workspace_id, idempotencyKey: `memory-expiry:${memory.id}` };
  try {
    memoryDecider.decide(command, evolveAll(memoryDecider, memoryDecider.initialState(), await deps.store.readStream(stream)));
  } catch (error) {
    if (settled(error) || (error instanceof ConflictError && ['MEMORY_NOT_DUE', 'MEMORY_NOT_EXPIRING'].includes(error.code))) return false;
    throw error;
  }
  await deps.dataKeys.destroyKey({ workspaceId: memory.workspace_id, subject: memorySubjectOf(memory.id) });
  try {
    await sendCommand(deps.store, memoryDecider, stream, command, context, { retryOnConflict: 5 });
    return true;
  } catch (error) {
    if (settled(error)) return false;
    if (!(error instanceof ConflictError)) throw error;
    // Its expiry was moved or removed between the decision and the destroy: the key is gone all the same,
    // so the log must say the memory is erased, or the read model would keep showing what no key opens.
    const forget = { type: 'ForgetMemory', data: { memory_id: memory.id, workspace_id: memory.workspace_id, reason: 'expired while its expires_at was changed' } } as const;
    await sendCommand(deps.store, memoryDecider, stream, forget, { ...context, idempotencyKey: `memory-expiry-forget:${memory.id}` }, { retryOnConflict: 5 });
    return true;
  }
};

/** One sweep: every memory due at `now` that the read model knows of, erased; how many this sweep erased. */
export const expireDueMemories = async (deps: MemoryExpiryDeps, now: Date = (deps.now ?? (() => new Date()))()): Promise<number> => {
  let erased = 0;
  for (;;) {
    const due = await memoriesReader.dueForExpiry(deps.knex, now, EXPIRY_BATCH);
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
export const startMemoryExpiry = (deps: MemoryExpiryDeps & { intervalMs: number }): MemoryExpiry => {
  const log = deps.log.child({ component: 'memory-expiry' });
  const failed = repeatedLog(log, 'warn', 'memory expiry sweep failed; it will be tried again');
  let stopped = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      try {
        const erased = await expireDueMemories(deps);
        if (erased) log.info({ erased }, 'expired memories erased');
      } catch (error) {
        failed({ err: error });
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, deps.intervalMs).unref();
      });
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      wake?.();
      await loop;
    },
  };
};
