import { z } from 'zod';
import { ValidationError } from '@agent-platform/contracts';
import type { PageOf, PagePosition, PageRequest } from '@agent-platform/projectors/readers';

// The wire form of a page's position: its names are the cursor's, not the read model's.
const KeysetCursor = z.object({ t: z.string().datetime({ offset: true }), id: z.string().uuid() });

/** Opaque to clients: where a page of a list newest first ends, as the readers give it. */
export const encodeCursor = (position: PagePosition): string => Buffer.from(JSON.stringify({ t: position.time, id: position.id })).toString('base64url');

export const decodeCursor = (raw: string): PagePosition => {
  try {
    const cursor = KeysetCursor.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return { time: cursor.t, id: cursor.id };
  } catch {
    throw new ValidationError([{ field: 'query.cursor', message: 'is not a cursor this API returned' }]);
  }
};

/** The page a list's query asks a reader for: `limit` items after its `cursor`, if it sends one. */
export const pageAsked = (query: { limit: number; cursor?: string | undefined }): PageRequest => ({
  limit: query.limit,
  after: query.cursor ? decodeCursor(query.cursor) : undefined,
});

/** A reader's page as the API answers it: the items, and the cursor of the next page or null. */
export const pageAnswer = <View>(page: PageOf<View>): { items: View[]; next_cursor: string | null } => ({
  items: page.items,
  next_cursor: page.next ? encodeCursor(page.next) : null,
});
