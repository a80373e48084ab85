import type { z } from 'zod';
import type { VersionedDefinition } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import { newestFirstPage, type PagedView, type PageOf, type PageRequest } from './newestFirstPage.js';
import { iso, isoOrNull } from './rows.js';
import { tablesOf } from './versionedDefinition.js';

type Row = Record<string, unknown>;

/** A definition's views, as its contracts write them: what the reader parses its rows into. */
export type VersionedDefinitionViews<View extends z.ZodType, VersionView extends z.ZodType> = { view: View; versionView: VersionView };

/**
 * What other packages may ask of a versioned definition's read model (tools, agents, later skills and
 * teams): views of `rm_<plural>` and `rm_<noun>_versions`, whose names stay this package's to change.
 */
export const versionedDefinitionReader = <D extends VersionedDefinition, View extends z.ZodType<PagedView>, VersionView extends z.ZodType>(
  definition: D,
  views: VersionedDefinitionViews<View, VersionView>,
) => {
  const tables = tablesOf(definition);
  const toView = (row: Row): z.infer<View> =>
    views.view.parse({ ...row, created_time: iso(row.created_time), updated_time: iso(row.updated_time) });
  const toVersionView = (row: Row): z.infer<VersionView> =>
    views.versionView.parse({
      ...row,
      created_time: iso(row.created_time),
      updated_time: iso(row.updated_time),
      published_time: isoOrNull(row.published_time),
    });
  // A list filters on a definition's code and its type (`tool_type`, `agent_type`), when given.
  const filters: readonly ('code' | D['typeField'])[] = ['code', definition.typeField];
  return {
    /** One page of the workspace's definitions that match the filter, newest first. */
    listDefinitions: (
      knex: Knex,
      workspaceId: string,
      filter: Partial<Record<'code' | D['typeField'], string | undefined>>,
      page: PageRequest,
    ): Promise<PageOf<z.infer<View>>> => {
      const q = knex(tables.definitions).where({ workspace_id: workspaceId });
      for (const field of filters) if (filter[field]) q.andWhere({ [field]: filter[field] });
      return newestFirstPage(q, page, toView);
    },
    findDefinition: async (knex: Knex, workspaceId: string, id: string): Promise<z.infer<View> | undefined> => {
      const row = await knex(tables.definitions).where({ workspace_id: workspaceId, id }).first();
      return row ? toView(row) : undefined;
    },
    findVersion: async (knex: Knex, workspaceId: string, versionId: string): Promise<z.infer<VersionView> | undefined> => {
      const row = await knex(tables.versions).where({ workspace_id: workspaceId, id: versionId }).first();
      return row ? toVersionView(row) : undefined;
    },
    /** Every version of one definition, newest first. */
    versionsOf: async (knex: Knex, workspaceId: string, id: string): Promise<z.infer<VersionView>[]> => {
      const rows: Row[] = await knex(tables.versions).where({ workspace_id: workspaceId, [tables.parentColumn]: id }).orderBy('version_no', 'desc');
      return rows.map(toVersionView);
    },
  };
};
