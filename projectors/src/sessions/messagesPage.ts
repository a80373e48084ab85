import { SessionMessageView } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';

/**
 * A page takes no more messages once what it holds reaches this many bytes: a message may hold a
 * megabyte, and 500 of them made an answer of about 200 MB. It always holds the first message, so a
 * large one cannot stall the reader.
 */
const MESSAGES_PAGE_BYTES = 4 * 1024 * 1024;

/**
 * PostgreSQL sums the sizes in seq_no order and sends the content of the messages that fit only:
 * `octet_length` and `pg_column_size` read a stored value's size without loading it. The messages past
 * the cut come back without content, to tell that the page has a next one.
 */
const PAGE_SQL = `
  SELECT id, workspace_id, session_id, seq_no, role, created_time, bytes_before < :max AS fits,
         CASE WHEN bytes_before < :max THEN content_text END AS content_text,
         CASE WHEN bytes_before < :max THEN metadata_json END AS metadata_json
  FROM (
    SELECT *, coalesce(sum(octet_length(content_text) + pg_column_size(metadata_json))
                OVER (ORDER BY seq_no ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS bytes_before
    FROM rm_session_messages
    WHERE workspace_id = :workspace AND session_id = :session AND seq_no > :after
    ORDER BY seq_no
    LIMIT :limit
  ) sized
  ORDER BY seq_no`;

/** The session's messages after `afterSeq` in order: at most `limit`, and no more than the bytes above. */
export const messagesPage = async (
  knex: Knex,
  session: { workspaceId: string; sessionId: string },
  page: { afterSeq: number; limit: number },
): Promise<{ items: SessionMessageView[]; next_cursor: string | null }> => {
  const { rows } = (await knex.raw(PAGE_SQL, {
    max: MESSAGES_PAGE_BYTES,
    workspace: session.workspaceId,
    session: session.sessionId,
    after: page.afterSeq,
    limit: page.limit + 1, // one more than the page, to know whether a next page exists
  })) as { rows: Record<string, unknown>[] };
  const items = rows
    .filter((row, i) => i < page.limit && row.fits === true)
    .map(({ fits: _, ...row }) => SessionMessageView.parse({ ...row, created_time: (row.created_time as Date).toISOString() }));
  const last = items[items.length - 1];
  return { items, next_cursor: rows.length > items.length && last ? String(last.seq_no) : null };
};
