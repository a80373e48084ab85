import { DeadLetterView } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import { iso } from '../rows.js';

/** What other packages may ask of the dead-letters read model; its table is this package's to change. */

export const toDeadLetterView = (row: Record<string, unknown>): DeadLetterView =>
  DeadLetterView.parse({ ...row, created_time: iso(row.created_time), updated_time: iso(row.updated_time) });

export const findDeadLetter = async (knex: Knex, workspaceId: string, id: string): Promise<DeadLetterView | undefined> => {
  const row = await knex('rm_dead_letters').where({ workspace_id: workspaceId, id }).first();
  return row ? toDeadLetterView(row) : undefined;
};

/** The dead letters of a workspace that match the filter, as a query to page newest first by (created_time, id); rows read with `toDeadLetterView`. */
export const deadLettersMatching = (knex: Knex, workspaceId: string, filter: Partial<Pick<DeadLetterView, 'status' | 'consumer_group'>>): Knex.QueryBuilder => {
  const q = knex('rm_dead_letters').where({ workspace_id: workspaceId });
  for (const field of ['status', 'consumer_group'] as const) if (filter[field]) q.andWhere({ [field]: filter[field] });
  return q;
};
