import type { VersionedDefinition } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import { tablesOf } from './versionedDefinition.js';

type Row = Record<string, unknown>;

/**
 * What other packages may ask of a versioned definition's read model (tools, agents, later skills and
 * teams): rows of `rm_<plural>` and `rm_<noun>_versions`, whose names stay this package's to change.
 */
export const versionedDefinitionReader = (definition: VersionedDefinition) => {
  const tables = tablesOf(definition);
  return {
    /** The workspace's definitions, as a query to filter and page newest first by (created_time, id). */
    definitionsOf: (knex: Knex, workspaceId: string): Knex.QueryBuilder => knex(tables.definitions).where({ workspace_id: workspaceId }),
    findDefinition: (knex: Knex, workspaceId: string, id: string): Promise<Row | undefined> =>
      knex(tables.definitions).where({ workspace_id: workspaceId, id }).first(),
    findVersion: (knex: Knex, workspaceId: string, versionId: string): Promise<Row | undefined> =>
      knex(tables.versions).where({ workspace_id: workspaceId, id: versionId }).first(),
    /** Every version of one definition, newest first. */
    versionsOf: (knex: Knex, workspaceId: string, id: string): Promise<Row[]> =>
      knex(tables.versions).where({ workspace_id: workspaceId, [tables.parentColumn]: id }).orderBy('version_no', 'desc'),
  };
};
