import type { z } from 'zod';
import type { Knex } from '@agent-platform/infra';
import { projectorOf, type Projection, type Projector } from './projector.js';

type EventDef<Data> = { type: string; schema: z.ZodType<Data> };
type Ids<P extends string> = Record<P, string> & { version_id: string };

/**
 * What tells one versioned definition (tool, agent, later skill and team) from another in its read
 * model: its tables, the column naming its parent and its type, its events, and the columns of a version.
 */
export type VersionedDefinitionProjection<P extends string, T extends string, V> = {
  name: string;
  tables: { definitions: string; versions: string; parentColumn: P };
  typeColumn: T;
  created: EventDef<Record<P | T, string> & { code: string; name: string; description: string | null }>;
  versionCreated: EventDef<V & Record<P, string> & { version_id: string; version_no: number }>;
  /** The version's own columns, from its created event (json columns given as JSON text). */
  versionColumns: (data: V) => Record<string, unknown>;
  published: EventDef<Ids<P>>;
  /** The status that takes a version out of use: an agent's is `archived`, a tool's `deprecated`. */
  retired: { event: EventDef<Ids<P>>; status: string };
};

/**
 * A versioned definition's default version is its newest published one, kept on its row and recomputed
 * whenever a version's status changes.
 */
const refreshLatestPublished = (sql: Knex, tables: { definitions: string; versions: string; parentColumn: string }, id: string, at: string): Knex.Raw =>
  sql.raw(
    `UPDATE ?? SET updated_time = ?, latest_published_version_id = (
       SELECT id FROM ?? WHERE ?? = ? AND status = 'published' ORDER BY version_no DESC LIMIT 1)
     WHERE id = ?`,
    [tables.definitions, at, tables.versions, tables.parentColumn, id, id],
  );

/** The projector of a versioned definition: one row per definition, one per version. */
export const versionedDefinitionProjector = <P extends string, T extends string, V>(d: VersionedDefinitionProjection<P, T, V>): Projector => {
  const { tables } = d;

  const created: Projection = (sql, e) => {
    const data = d.created.schema.parse(e.data);
    return [
      sql(tables.definitions).insert({
        id: data[tables.parentColumn],
        workspace_id: e.metadata.workspace_id,
        code: data.code,
        name: data.name,
        [d.typeColumn]: data[d.typeColumn],
        description: data.description,
        created_time: e.recorded_at,
        updated_time: e.recorded_at,
      }),
    ];
  };

  const versionCreated: Projection = (sql, e) => {
    const data = d.versionCreated.schema.parse(e.data);
    const parentId = data[tables.parentColumn];
    return [
      sql(tables.versions).insert({
        id: data.version_id,
        workspace_id: e.metadata.workspace_id,
        [tables.parentColumn]: parentId,
        version_no: data.version_no,
        status: 'draft',
        ...d.versionColumns(data),
        created_time: e.recorded_at,
        updated_time: e.recorded_at,
      }),
      sql(tables.definitions).where({ id: parentId }).update({ version_count: data.version_no, updated_time: e.recorded_at }),
    ];
  };

  const statusChange =
    (event: EventDef<Ids<P>>, status: string): Projection =>
    (sql, e) => {
      const data = event.schema.parse(e.data);
      return [
        sql(tables.versions)
          .where({ id: data.version_id })
          .update({ status, updated_time: e.recorded_at, ...(status === 'published' ? { published_time: e.recorded_at } : {}) }),
        refreshLatestPublished(sql, tables, data[tables.parentColumn], e.recorded_at),
      ];
    };

  return projectorOf(d.name, [tables.versions, tables.definitions], {
    [d.created.type]: created,
    [d.versionCreated.type]: versionCreated,
    [d.published.type]: statusChange(d.published, 'published'),
    [d.retired.event.type]: statusChange(d.retired.event, d.retired.status),
  });
};
