import type { ProjectionName, RecordedEvent } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';

/** One SQL statement of a projection: built with knex, run by the runtime, never awaited by the projector. */
export type ProjectionStatement = Knex.QueryBuilder | Knex.Raw;

/** The statements one event turns into, built with `sql`. */
export type Projection = (sql: Knex, event: RecordedEvent) => ProjectionStatement[];

/**
 * A read model: the event types it handles, the tables it owns, and the SQL each event turns into.
 * `project` only builds statements (with `sql`, a knex instance) from the event, so the runtime can send a
 * whole page with the move of the projector's checkpoint in one transaction and one round trip. Later
 * statements of a page see what earlier ones wrote.
 */
export type Projector = {
  name: ProjectionName;
  handles: readonly string[];
  /** Emptied by a replay before the log is applied again. */
  tables: readonly string[];
  project: Projection;
};

/** A projector from its projection of each event type it handles. */
export const projectorOf = (name: ProjectionName, tables: readonly string[], projections: Readonly<Record<string, Projection>>): Projector => ({
  name,
  handles: Object.keys(projections),
  tables,
  project: (sql, event) => projections[event.type]!(sql, event),
});
