import type { z } from 'zod';
import { ProjectionName, type VersionedDefinition } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import { projectorOf, type Projection, type Projector } from './projector.js';

type EventDef<Type, Data> = { type: Type; schema: z.ZodType<Data> };
type Ids<P extends string> = Record<P, string> & { version_id: string };

/**
 * What a versioned definition (tool, agent, later skill and team) gives its read model beyond its names:
 * its events' contracts, and the columns of a version. The events must be the ones the definition names.
 */
export type VersionedDefinitionEvents<D extends VersionedDefinition, V> = {
  created: EventDef<D['events']['created'], Record<D['idField'] | D['typeField'], string> & { code: string; name: string; description: string | null }>;
  versionCreated: EventDef<D['events']['versionCreated'], V & Record<D['idField'], string> & { version_id: string; version_no: number }>;
  /** The version's own columns, from its created event (json columns given as JSON text). */
  versionColumns: (data: V) => Record<string, unknown>;
  published: EventDef<D['events']['published'], Ids<D['idField']>>;
  retired: EventDef<D['events']['retired'], Ids<D['idField']>>;
};

/** A definition's read model: `rm_agents` and `rm_agent_versions`, under the projection `agents`. */
export const tablesOf = (definition: VersionedDefinition) => ({
  definitions: `rm_${definition.plural}`,
  versions: `rm_${definition.noun}_versions`,
  parentColumn: definition.idField,
});

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
export const versionedDefinitionProjector = <D extends VersionedDefinition, V>(
  definition: D,
  d: VersionedDefinitionEvents<D, V>,
): Projector => {
  const tables = tablesOf(definition);
  const idField: D['idField'] = definition.idField;
  const typeField: D['typeField'] = definition.typeField;

  const created: Projection = (sql, e) => {
    const data = d.created.schema.parse(e.data);
    return [
      sql(tables.definitions).insert({
        id: data[idField],
        workspace_id: e.metadata.workspace_id,
        code: data.code,
        name: data.name,
        [typeField]: data[typeField],
        description: data.description,
        created_time: e.recorded_at,
        updated_time: e.recorded_at,
      }),
    ];
  };

  const versionCreated: Projection = (sql, e) => {
    const data = d.versionCreated.schema.parse(e.data);
    const parentId = data[idField];
    return [
      sql(tables.versions).insert({
        id: data.version_id,
        workspace_id: e.metadata.workspace_id,
        [idField]: parentId,
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
    (event: EventDef<string, Ids<D['idField']>>, status: string): Projection =>
    (sql, e) => {
      const data = event.schema.parse(e.data);
      return [
        sql(tables.versions)
          .where({ id: data.version_id })
          .update({ status, updated_time: e.recorded_at, ...(status === 'published' ? { published_time: e.recorded_at } : {}) }),
        refreshLatestPublished(sql, tables, data[idField], e.recorded_at),
      ];
    };

  // Parsed: a definition whose projection is not listed stops the platform at start-up.
  return projectorOf(ProjectionName.parse(definition.plural), [tables.versions, tables.definitions], {
    [d.created.type]: created,
    [d.versionCreated.type]: versionCreated,
    [d.published.type]: statusChange(d.published, 'published'),
    [d.retired.type]: statusChange(d.retired, definition.retire.status),
  });
};
