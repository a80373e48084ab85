import type { Queryable } from '../../db/postgres.js';
import { DATA_KEY_COLUMNS, DataKeyRow } from './rows.js';

/** Live keys wrapped under another master key than `currentKekId`, a batch at a time. */
export const readKeysToRewrap = async (db: Queryable, currentKekId: string, limit: number): Promise<DataKeyRow[]> => {
  const { rows } = await db.query(
    `SELECT ${DATA_KEY_COLUMNS} FROM ap_data_keys WHERE destroyed_at IS NULL AND kek_id <> $1 ORDER BY workspace_id, subject LIMIT $2`,
    [currentKekId, limit],
  );
  return rows.map((row) => DataKeyRow.parse(row));
};

export type Rewrapped = { workspaceId: string; subject: string; fromKekId: string; kekId: string; wrapped: Buffer };

/**
 * Stores re-wrapped keys, each only if its row is still live under the master key it was read under: a key
 * destroyed since it was read stays destroyed. Returns how many rows changed.
 */
export const saveRewrappedKeys = async (db: Queryable, keys: readonly Rewrapped[]): Promise<number> => {
  if (keys.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE ap_data_keys k SET kek_id = r.kek_id, wrapped_key = r.wrapped_key
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[]) AS r(workspace_id, subject, from_kek_id, kek_id, wrapped_key)
     WHERE k.workspace_id = r.workspace_id AND k.subject = r.subject AND k.kek_id = r.from_kek_id AND k.destroyed_at IS NULL`,
    [
      keys.map((k) => k.workspaceId),
      keys.map((k) => k.subject),
      keys.map((k) => k.fromKekId),
      keys.map((k) => k.kekId),
      keys.map((k) => k.wrapped),
    ],
  );
  return rowCount ?? 0;
};
