import type { ProjectionName, RecordedEvent } from '@agent-platform/contracts';
import type { DataKeys, Knex } from '@agent-platform/infra';

/** One SQL statement of a projection: built with knex, run by the runtime, never awaited by the projector. */
export type ProjectionStatement = Knex.QueryBuilder | Knex.Raw;

/** The statements one event turns into, built with `sql`, from the event and what its page's `prepare` read. */
export type Projection = (sql: Knex, event: RecordedEvent, prepared?: unknown) => ProjectionStatement[];

/** What a projector may read outside the log, given by the process: the data keys that open sealed content. */
export type ProjectionServices = { dataKeys?: DataKeys };

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
  /**
   * Reads, once per page and before any statement is built, what the page's projections need from outside
   * the log (the data keys of sealed content), so that `project` stays a function of its inputs. Run again
   * with every retry of the page: a key destroyed meanwhile is then seen as destroyed.
   */
  prepare?: (events: readonly RecordedEvent[], services: ProjectionServices) => Promise<unknown>;
  project: Projection;
};

/** A projector from its projection of each event type it handles. */
export const projectorOf = (
  name: ProjectionName,
  tables: readonly string[],
  projections: Readonly<Record<string, Projection>>,
  prepare?: Projector['prepare'],
): Projector => ({
  name,
  handles: Object.keys(projections),
  tables,
  ...(prepare ? { prepare } : {}),
  project: (sql, event, prepared) => projections[event.type]!(sql, event, prepared),
});
