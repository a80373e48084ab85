import type { Knex } from '@agent-platform/infra';

/**
 * A versioned definition's default version is its newest published one; tools and agents both keep
 * it on their row, recomputed whenever a version's status changes.
 */
export const refreshLatestPublished = (
  sql: Knex,
  tables: { definitions: string; versions: string; parentColumn: string },
  id: string,
  at: string,
): Knex.Raw =>
  sql.raw(
    `UPDATE ?? SET updated_time = ?, latest_published_version_id = (
       SELECT id FROM ?? WHERE ?? = ? AND status = 'published' ORDER BY version_no DESC LIMIT 1)
     WHERE id = ?`,
    [tables.definitions, at, tables.versions, tables.parentColumn, id, id],
  );
