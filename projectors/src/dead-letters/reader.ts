import { DeadLetterView } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import { newestFirstPage, type PageOf, type PageRequest } from '../newestFirstPage.js';
import { iso } from '../rows.js';

/** What other packages may ask of the dead-letters read model; its table is this package's to change. */

const toDeadLetterView = (row: Record<string, unknown>): DeadLetterView =>
  DeadLetterView.parse({ ...row, created_time: iso(row.created_time), updated_time: iso(row.updated_time) });

export const findDeadLetter = async (knex: Knex, workspaceId: string, id: string): Promise<DeadLetterView | undefined> => {
  const row = await knex('rm_dead_letters').where({ workspace_id: workspaceId, id }).first();
  return row ? toDeadLetterView(row) : undefined;
};

/** One page of the dead letters of a workspace that match the filter, newest first. */
export const listDeadLetters = (
  knex: Knex,
  workspaceId: string,
  filter: Partial<Pick<DeadLetterView, 'status' | 'consumer_group'>>,
  page: PageRequest,
): Promise<PageOf<DeadLetterView>> => {
  const q = knex('rm_dead_letters').where({ workspace_id: workspaceId });
  for (const field of ['status', 'consumer_group'] as const) if (filter[field]) q.andWhere({ [field]: filter[field] });
  return newestFirstPage(q, page, toDeadLetterView);
};
