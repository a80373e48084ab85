import type { Knex } from '@agent-platform/infra';
import { INVOCATIONS } from './schema.js';

/**
 * Inserts the invocation, or changes the row an earlier event of it wrote: a started call may be
 * started again by a resumed run, and a failure or skip may be the first event of its invocation.
 */
export const upsertInvocation = (sql: Knex, row: Record<string, unknown>, changes: Record<string, unknown>) =>
  sql(INVOCATIONS).insert(row).onConflict('id').merge(changes);
