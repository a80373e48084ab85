import type { Queryable } from '../../db/postgres.js';
import type { DataKeyRef } from '../port.js';
import { DATA_KEY_COLUMNS, DataKeyRow } from './rows.js';

export const readKey = async (db: Queryable, ref: DataKeyRef): Promise<DataKeyRow | undefined> => {
  const { rows } = await db.query(`SELECT ${DATA_KEY_COLUMNS} FROM ap_data_keys WHERE workspace_id = $1 AND subject = $2`, [
    ref.workspaceId,
    ref.subject,
  ]);
  return rows[0] ? DataKeyRow.parse(rows[0]) : undefined;
};
