import type { Knex } from 'knex';
import { isPgError, type Statement } from '../db/postgres.js';
import type { LogCheckpoint } from '../event-store/port.js';
import { LOG_START } from '../event-store/port.js';

export type StoredCheckpoint = LogCheckpoint & { name: string; updatedAt: string };

const toCheckpoint = (row: { name: string; transaction_id: string; global_position: number; updated_at: Date }) => ({
  name: row.name,
  transactionId: row.transaction_id,
  globalPosition: Number(row.global_position),
  updatedAt: row.updated_at.toISOString(),
});

export const getCheckpoint = async (db: Knex, name: string): Promise<LogCheckpoint> => {
  const row = await db('ap_checkpoints')
    .select(db.raw('transaction_id::text AS transaction_id'), 'global_position')
    .where({ name })
    .first();
  return row ? { transactionId: row.transaction_id, globalPosition: Number(row.global_position) } : LOG_START;
};

/**
 * Moves a consumer's checkpoint to the end of a page inside the caller's transaction, and answers where it
 * stood before, with its row locked until the transaction ends: two instances of one consumer cannot both
 * apply a page (the second waits, then sees the moved checkpoint and skips what was applied). One
 * statement instead of a lock before the page and a save after it; a failed page rolls both back.
 *
 * It also makes the transaction's commit asynchronous (`synchronous_commit = off` for this transaction
 * only): what a page writes is derived from the durable log. A crash of PostgreSQL may lose the newest
 * pages' commits, but always the read model's rows together with the checkpoint that covers them, and the
 * consumer applies those pages again; no commit waits for its WAL flush meanwhile.
 */
export const claimPage = async (trx: Knex.Transaction, name: string, pageEnd: LogCheckpoint): Promise<LogCheckpoint> => {
  const { rows } = await trx.raw(
    `WITH stored AS (
       SELECT transaction_id, global_position FROM ap_checkpoints WHERE name = ? FOR UPDATE
     ), moved AS (
       INSERT INTO ap_checkpoints (name, transaction_id, global_position, updated_at) VALUES (?, ?::xid8, ?, now())
       ON CONFLICT (name) DO UPDATE SET transaction_id = excluded.transaction_id,
         global_position = excluded.global_position, updated_at = now()
       WHERE (ap_checkpoints.transaction_id, ap_checkpoints.global_position) < (excluded.transaction_id, excluded.global_position)
     )
     SELECT s.transaction_id::text AS transaction_id, s.global_position,
            set_config('synchronous_commit', 'off', true) AS commit_mode
     FROM (SELECT 1) AS page LEFT JOIN stored s ON true`,
    [name, name, pageEnd.transactionId, pageEnd.globalPosition],
  );
  const stored = rows[0] as { transaction_id: string | null; global_position: string | number | null };
  return stored.transaction_id !== null ? { transactionId: stored.transaction_id, globalPosition: Number(stored.global_position) } : LOG_START;
};

const PAGE_ALREADY_APPLIED = 'AP409';

/**
 * The statement that opens a page sent in one round trip (`pipelinedTransaction`): `claimPage`'s lock,
 * move and asynchronous commit, without its answer, which the statements after it cannot wait for. It
 * fails instead when the checkpoint already covers the page's first event (another instance, or an
 * earlier attempt, applied some of it): see `isPageAlreadyApplied`. The function is created by the event
 * store's migration `0005_claim_page`.
 */
export const claimFreshPage = (name: string, firstEvent: LogCheckpoint, pageEnd: LogCheckpoint): Statement => ({
  name: 'ap_claim_page',
  text: 'SELECT ap_claim_page($1, $2::xid8, $3, $4::xid8, $5)',
  values: [name, firstEvent.transactionId, firstEvent.globalPosition, pageEnd.transactionId, pageEnd.globalPosition],
});

/** The page's transaction rolled back because `claimFreshPage` found some of it applied already. */
export const isPageAlreadyApplied = (error: unknown): boolean => isPgError(error, PAGE_ALREADY_APPLIED);

/**
 * Moves checkpoints forward in one statement, never back: for pages that change no read model, where
 * a transaction (four round trips, and an open transaction holding back every log reader) buys nothing.
 */
export const advanceCheckpoints = async (db: Knex, checkpoints: ReadonlyMap<string, LogCheckpoint>): Promise<void> => {
  if (checkpoints.size === 0) return;
  const entries = [...checkpoints];
  await db.raw(
    `INSERT INTO ap_checkpoints (name, transaction_id, global_position, updated_at)
     SELECT c.name, c.transaction_id::xid8, c.global_position, now()
     FROM unnest(?::text[], ?::text[], ?::bigint[]) AS c(name, transaction_id, global_position)
     ON CONFLICT (name) DO UPDATE SET transaction_id = excluded.transaction_id,
       global_position = excluded.global_position, updated_at = now()
     WHERE (ap_checkpoints.transaction_id, ap_checkpoints.global_position) < (excluded.transaction_id, excluded.global_position)`,
    [entries.map(([name]) => name), entries.map(([, c]) => c.transactionId), entries.map(([, c]) => c.globalPosition)],
  );
};

export const advanceCheckpoint = (db: Knex, name: string, checkpoint: LogCheckpoint): Promise<void> =>
  advanceCheckpoints(db, new Map([[name, checkpoint]]));

export const listCheckpoints = async (db: Knex, names?: readonly string[]): Promise<StoredCheckpoint[]> => {
  const query = db('ap_checkpoints').select(
    'name',
    db.raw('transaction_id::text AS transaction_id'),
    'global_position',
    'updated_at',
  );
  if (names) query.whereIn('name', [...names]);
  return (await query.orderBy('name')).map(toCheckpoint);
};

/** True when every named consumer has applied the event at `target` (or a later one). */
export const checkpointsReached = async (db: Knex, names: readonly string[], target: LogCheckpoint): Promise<boolean> => {
  const { rows } = await db.raw(
    `SELECT count(*)::int AS reached FROM ap_checkpoints
     WHERE name = ANY(?) AND (transaction_id, global_position) >= (?::xid8, ?::bigint)`,
    [names as string[], target.transactionId, target.globalPosition],
  );
  return rows[0].reached === names.length;
};

export const dangerouslyResetCheckpoint = async (db: Knex, name: string): Promise<void> => {
  await db('ap_checkpoints').where({ name }).delete();
};
