import { z } from 'zod';
import { ValidationError } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';

const KeysetCursor = z.object({ t: z.string().datetime({ offset: true }), id: z.string().uuid() });
export type KeysetCursor = z.infer<typeof KeysetCursor>;

/** Opaque to clients: a position in a list ordered by (time, id). */
export const encodeCursor = (cursor: KeysetCursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

export const decodeCursor = (raw: string): KeysetCursor => {
  try {
    return KeysetCursor.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw new ValidationError([{ field: 'query.cursor', message: 'is not a cursor this API returned' }]);
  }
};

/**
 * One page of a list ordered newest first by (created_time, id), after the cursor if one is given.
 * Reads one row more than the page to know whether a next page exists.
 */
export const newestFirstPage = async <Row, View extends { created_time: string; id: string }>(
  query: Knex.QueryBuilder,
  page: { limit: number; cursor?: string | undefined },
  toView: (row: Row) => View,
): Promise<{ items: View[]; next_cursor: string | null }> => {
  if (page.cursor) {
    const c = decodeCursor(page.cursor);
    query.andWhereRaw('(created_time, id) < (?::timestamptz, ?::uuid)', [c.t, c.id]);
  }
  const rows = (await query
    .orderBy([
      { column: 'created_time', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(page.limit + 1)) as Row[];
  const items = rows.slice(0, page.limit).map(toView);
  const last = items[items.length - 1];
  return { items, next_cursor: rows.length > page.limit && last ? encodeCursor({ t: last.created_time, id: last.id }) : null };
};
