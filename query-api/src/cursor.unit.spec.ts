import { expect } from 'chai';
import { ValidationError } from '@agent-platform/contracts';
import { decodeCursor, encodeCursor, pageAnswer, pageAsked } from './cursor.js';

const position = { time: '2026-01-01T00:00:00.000Z', id: '44444444-4444-4444-8444-444444444444' };

describe('list cursors', () => {
  it('keeps the wire form clients hold: base64url of {"t","id"}, so a cursor from before a deploy still pages', () => {
    const cursor = encodeCursor(position);
    expect(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))).to.deep.equal({ t: position.time, id: position.id });
    expect(decodeCursor(cursor)).to.deep.equal(position);
  });

  it('asks the reader for the page after the cursor, and answers the next cursor or null', () => {
    expect(pageAsked({ limit: 2 })).to.deep.equal({ limit: 2, after: undefined });
    expect(pageAsked({ limit: 2, cursor: encodeCursor(position) })).to.deep.equal({ limit: 2, after: position });
    expect(pageAnswer({ items: [1], next: position })).to.deep.equal({ items: [1], next_cursor: encodeCursor(position) });
    expect(pageAnswer({ items: [], next: null })).to.deep.equal({ items: [], next_cursor: null });
  });

  it('refuses a cursor this API did not return as a validation error on query.cursor', () => {
    for (const raw of ['not-a-cursor', Buffer.from(JSON.stringify({ t: 'yesterday', id: position.id })).toString('base64url')]) {
      expect(() => decodeCursor(raw)).to.throw(ValidationError).with.property('issues').that.deep.equals([
        { field: 'query.cursor', message: 'is not a cursor this API returned' },
      ]);
    }
  });
});
