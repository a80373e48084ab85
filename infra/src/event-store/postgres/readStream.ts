import type { RecordedEvent } from '@agent-platform/contracts';
import type { Queryable } from '../../db/postgres.js';
import { EVENT_COLUMNS, toRecordedEvent } from './rows.js';

export const readStream = async (
  db: Queryable,
  streamId: string,
  fromVersion = 1,
  toVersion = 2_147_483_647,
): Promise<RecordedEvent[]> => {
  const { rows } = await db.query({
    name: 'ap_read_stream',
    text: `SELECT ${EVENT_COLUMNS} FROM ap_events
           WHERE stream_id = $1 AND stream_version BETWEEN $2 AND $3 ORDER BY stream_version`,
    values: [streamId, fromVersion, toVersion],
  });
  return rows.map(toRecordedEvent);
};
