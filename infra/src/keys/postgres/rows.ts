import { z } from 'zod';

/** A row of ap_data_keys as node-postgres returns it (bytea as Buffer, timestamptz as Date). */
export const DataKeyRow = z.object({
  workspace_id: z.string(),
  subject: z.string(),
  scopes: z.array(z.string()),
  key_id: z.string(),
  kek_id: z.string().nullable(),
  wrapped_key: z.instanceof(Buffer).nullable(),
  destroyed_at: z.date().nullable(),
});
export type DataKeyRow = z.infer<typeof DataKeyRow>;

export const DATA_KEY_COLUMNS = 'workspace_id, subject, scopes, key_id, kek_id, wrapped_key, destroyed_at';
