import type { Migration } from '@agent-platform/infra';

/**
 * Events a projection could not apply and stepped over (`parking/park.ts`), one row per projection and
 * event. Runtime state of the projectors, not a read model: a replay of the projection clears its rows
 * and meets the event again.
 */
export const parkedEventsTable: Migration = {
  name: '1007_parked_events',
  up: async (knex) => {
    await knex.raw(`
      CREATE TABLE ap_parked_events (
        projection      text NOT NULL,
        global_position bigint NOT NULL,
        transaction_id  xid8 NOT NULL,
        event_id        uuid NOT NULL,
        stream_id       text NOT NULL,
        event_type      text NOT NULL,
        attempts        integer NOT NULL,
        error_message   text NOT NULL,
        error_code      text,
        parked_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (projection, global_position)
      );
    `);
  },
  down: async (knex) => {
    await knex.raw('DROP TABLE IF EXISTS ap_parked_events;');
  },
};
