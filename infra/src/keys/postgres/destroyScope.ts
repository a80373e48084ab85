import type { Queryable } from '../../db/postgres.js';
import { z } from 'zod';
import type { DataKeyScope, DestroyedKey } from '../port.js';

/** Destroys the live keys of one kind tagged with one scope in one workspace; returns their subjects. */
export const destroyScope = async (db: Queryable, { workspaceId, kind, scope }: DataKeyScope): Promise<DestroyedKey[]> => {
  const { rows } = await db.query(
    `UPDATE ap_data_keys SET kek_id = NULL, wrapped_key = NULL, destroyed_at = now()
     WHERE workspace_id = $1 AND subject_kind = $2 AND scopes @> ARRAY[$3::text] AND destroyed_at IS NULL
     RETURNING subject, destroyed_at`,
    [workspaceId, kind, scope],
  );
  return z
    .array(z.object({ subject: z.string(), destroyed_at: z.date() }))
    .parse(rows)
    .map((row) => ({ subject: row.subject, destroyedAt: row.destroyed_at.toISOString() }))
    .sort((a, b) => a.subject.localeCompare(b.subject));
};
