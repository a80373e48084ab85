import type { Queryable } from '../../db/postgres.js';
import { DATA_KEY_COLUMNS, DataKeyRow } from './rows.js';

export type KeyToInsert = { workspaceId: string; subject: string; scopes: string[]; keyId: string; kekId: string; wrapped: Buffer };

/** Inserts the subject's key unless it has one (live or destroyed); returns the inserted row, or undefined. */
export const insertKey = async (db: Queryable, key: KeyToInsert): Promise<DataKeyRow | undefined> => {
  const { rows } = await db.query(
    `INSERT INTO ap_data_keys (workspace_id, subject, scopes, key_id, kek_id, wrapped_key)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (workspace_id, subject) DO NOTHING
     RETURNING ${DATA_KEY_COLUMNS}`,
    [key.workspaceId, key.subject, key.scopes, key.keyId, key.kekId, key.wrapped],
  );
  return rows[0] ? DataKeyRow.parse(rows[0]) : undefined;
};
