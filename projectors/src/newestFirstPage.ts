import type { Knex } from '@agent-platform/infra';

/** What a view of a list newest first shows of the columns it is ordered by. */
export type PagedView = { created_time: string; id: string };

/** The last item of a page of a list newest first by (created_time, id): the next page begins after it. */
export type PagePosition = { time: string; id: string };
/** At most `limit` items, after `after` if given (else from the newest). */
export type PageRequest = { limit: number; after?: PagePosition | undefined };
/** A page of views, and where it ends if a next page exists (else null). */
export type PageOf<View> = { items: View[]; next: PagePosition | null };

/**
 * One page of a read model's rows newest first by (created_time, id), as views. The readers' lists page
 * with it, so that no other package names the columns a list is ordered by. Reads one row more than the
 * page to know whether a next page exists.
 */
export const newestFirstPage = async <View extends PagedView>(
  query: Knex.QueryBuilder,
  page: PageRequest,
  toView: (row: Record<string, unknown>) => View,
): Promise<PageOf<View>> => {
  if (page.after) query.andWhereRaw('(created_time, id) < (?::timestamptz, ?::uuid)', [page.after.time, page.after.id]);
  const rows = (await query
    .orderBy([
      { column: 'created_time', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(page.limit + 1)) as Record<string, unknown>[];
  const items = rows.slice(0, page.limit).map(toView);
  const last = items[items.length - 1];
  return { items, next: rows.length > page.limit && last ? { time: last.created_time, id: last.id } : null };
};
