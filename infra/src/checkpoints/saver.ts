import type { Knex } from 'knex';
import type { LogCheckpoint } from '../event-store/port.js';
import type { Logger } from '../logging.js';
import { repeatedLog } from '../repeatedLog.js';
import { advanceCheckpoints } from './postgres.js';

export type CheckpointSaver = {
  /** Saves `checkpoint` as `name`'s within `delayMs`, together with every other checkpoint due by then. */
  later: (name: string, checkpoint: LogCheckpoint) => void;
  /** Drops what `name` has waiting: its consumer saved a later checkpoint itself. */
  forget: (name: string) => void;
  /** Saves what waits now; resolves once every save asked for so far has landed. */
  flush: () => Promise<void>;
};

/**
 * Checkpoints that need not be saved at once (a consumer that stays correct if it repeats a little after a
 * crash), written in one statement at most every `delayMs` instead of one write per page per consumer.
 * A checkpoint never moves back, so a late save cannot undo a newer one.
 */
export const createCheckpointSaver = (knex: Knex, delayMs: number, log: Logger): CheckpointSaver => {
  let pending = new Map<string, LogCheckpoint>();
  let timer: NodeJS.Timeout | undefined;
  let saving: Promise<void> = Promise.resolve();
  // While the database is away, every interval with a checkpoint due fails again.
  const saveFailed = repeatedLog(log, 'warn', 'saving checkpoints failed');
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const checkpoints = pending;
    pending = new Map();
    // One at a time, so a caller that awaits the flush knows every earlier save landed too.
    if (checkpoints.size) {
      saving = saving.then(() => advanceCheckpoints(knex, checkpoints)).catch((error: unknown) => saveFailed({ err: error }));
    }
    return saving;
  };
  return {
    later: (name, checkpoint) => {
      pending.set(name, checkpoint);
      timer ??= setTimeout(() => void flush(), delayMs);
    },
    forget: (name) => {
      pending.delete(name);
    },
    flush,
  };
};
