import { z } from 'zod';
import { ValidationError } from '@agent-platform/contracts';

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
