import type { Queryable } from '../../db/postgres.js';
import type { ReadAllOptions, ReadAllResult } from '../port.js';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './rows.js';

/**
 * Gap-safe read of the global log. Positions come from a sequence and commit out of order, so a
 * reader that trusts `position > last` skips an event whose transaction commits late. Only rows of
 * transactions older than the oldest one still running (`pg_snapshot_xmin`) are returned, ordered by
 * (transaction_id, global_position); that pair is the checkpoint. A rolled-back transaction leaves
 * no row, so it cannot leave a gap to wait on.
 *
 * The type filter is applied after the scan, so the checkpoint still advances past other types.
 */
const READ_SQL = `
WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
page AS (
  SELECT ${EVENT_COLUMNS}
  FROM ap_events
  WHERE (ap_events.transaction_id, global_position) > ($1::xid8, $2::bigint)
    AND ap_events.transaction_id < (SELECT xmin FROM horizon)
  ORDER BY ap_events.transaction_id, global_position
  LIMIT $3
)
SELECT coalesce((SELECT json_agg(page ORDER BY page.transaction_id::xid8, page.global_position) FROM page), '[]'::json) AS page,
       -- The newest transaction id, by one step down the log-order index; an EXISTS over a range of it
       -- was planned as a scan of the whole table.
       coalesce((SELECT transaction_id FROM ap_events ORDER BY transaction_id DESC LIMIT 1) >= (SELECT xmin FROM horizon), false) AS blocked`;

type JsonRow = Omit<EventRow, 'recorded_at'> & { recorded_at: string };

export const readAll = async (db: Queryable, options: ReadAllOptions): Promise<ReadAllResult> => {
  const { rows } = await db.query({
    name: 'ap_read_all',
    text: READ_SQL,
    values: [options.after.transactionId, options.after.globalPosition, options.limit],
  });
  const page = rows[0].page as JsonRow[];
  const last = page[page.length - 1];
  const wanted = options.types ? new Set(options.types) : undefined;
  return {
    events: page
      .filter((r) => !wanted || wanted.has(r.type))
      .map((r) => toRecordedEvent({ ...r, recorded_at: new Date(r.recorded_at) })),
    scanned: page.length,
    checkpoint: last ? { transactionId: last.transaction_id, globalPosition: last.global_position } : options.after,
    blockedByOpenTransaction: rows[0].blocked as boolean,
  };
};
