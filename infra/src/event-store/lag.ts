import type { EventStore, LogCheckpoint } from './port.js';

export type Lag = { position: number; headPosition: number; events: number; seconds: number };

/**
 * How far a reader at `checkpoint` is behind the log: in positions (approximate: positions are not
 * dense) and in seconds since the oldest event it has not read yet was recorded.
 */
export const lagOf = async (store: EventStore, checkpoint: LogCheckpoint): Promise<Lag> => {
  const [head, next] = await Promise.all([store.headPosition(), store.readAll({ after: checkpoint, limit: 1 })]);
  const oldestUnread = next.events[0]?.recorded_at;
  return {
    position: checkpoint.globalPosition,
    headPosition: head,
    events: next.scanned === 0 ? 0 : Math.max(head - checkpoint.globalPosition, 1),
    seconds: oldestUnread ? Math.max(0, (Date.now() - Date.parse(oldestUnread)) / 1000) : 0,
  };
};
