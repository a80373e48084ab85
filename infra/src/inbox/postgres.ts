import type { Knex } from 'knex';

/** Whether a consumer group has already handled an event. */
export const wasHandled = async (db: Knex | Knex.Transaction, group: string, eventId: string): Promise<boolean> =>
  Boolean(await db('ap_inbox').where({ consumer_group: group, event_id: eventId }).first());

/**
 * Records that a group handled an event; false if it was recorded before. Inside the handler's transaction
 * this also serialises two members handling the same event: the second waits for the first to commit.
 */
export const markHandled = async (db: Knex | Knex.Transaction, group: string, eventId: string): Promise<boolean> => {
  const { rowCount } = await db.raw('INSERT INTO ap_inbox (consumer_group, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING', [
    group,
    eventId,
  ]);
  return rowCount === 1;
};
