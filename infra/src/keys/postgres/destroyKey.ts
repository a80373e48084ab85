import { z } from 'zod';
import type { Queryable } from '../../db/postgres.js';
import type { DataKeyRef } from '../port.js';

/**
 * Overwrites the key with NULLs and writes the tombstone in one statement; a subject without a row gets a
 * bare tombstone, so no key can be made for it later. The first destroy's time is kept.
 */
export const destroyKey = async (db: Queryable, ref: DataKeyRef, tombstoneKeyId: string): Promise<Date> => {
  const { rows } = await db.query(
    `INSERT INTO ap_data_keys (workspace_id, subject, key_id, kek_id, wrapped_key, destroyed_at)
     VALUES ($1, $2, $3, NULL, NULL, now())
     ON CONFLICT (workspace_id, subject) DO UPDATE
       SET kek_id = NULL, wrapped_key = NULL, destroyed_at = coalesce(ap_data_keys.destroyed_at, now())
     RETURNING destroyed_at`,
    [ref.workspaceId, ref.subject, tombstoneKeyId],
  );
  return z.object({ destroyed_at: z.date() }).parse(rows[0]).destroyed_at;
};
