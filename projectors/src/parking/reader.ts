import { PARKED_EVENTS_LISTED, ParkedEvent } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';

/** What other packages may ask of the parked events (`ap_parked_events`); the table is this package's to change. */

type ParkedRow = Record<string, unknown> & { projection: string; total: number; error_message: unknown; error_code: unknown; parked_at: Date };

/** A projection's parked events: how many in all, and the newest `PARKED_EVENTS_LISTED`, newest first. */
export type ParkedOf = { count: number; newest: ParkedEvent[] };

/** The parked events of each named projection that has any, in one statement, whatever their number. */
export const parkedOf = async (knex: Knex, names: readonly string[]): Promise<Map<string, ParkedOf>> => {
  const { rows } = (await knex.raw(
    `SELECT * FROM (
       SELECT p.*, count(*) OVER w_all::int AS total, row_number() OVER w_newest AS nth
       FROM ap_parked_events p WHERE projection = ANY(?)
       WINDOW w_all AS (PARTITION BY projection), w_newest AS (PARTITION BY projection ORDER BY global_position DESC)
     ) ranked WHERE nth <= ? ORDER BY projection, global_position DESC`,
    [names as string[], PARKED_EVENTS_LISTED],
  )) as { rows: ParkedRow[] };
  const byName = new Map<string, ParkedOf>();
  for (const row of rows) {
    const entry = byName.get(row.projection) ?? { count: row.total, newest: [] };
    entry.newest.push(
      ParkedEvent.parse({ ...row, error: { message: row.error_message, code: row.error_code }, parked_at: row.parked_at.toISOString() }),
    );
    byName.set(row.projection, entry);
  }
  return byName;
};
