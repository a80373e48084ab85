import { HumanTaskHistoryEntry, HumanTaskView, type HumanTaskDetail, type ListHumanTasksQuery } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import { newestFirstPage, type PageOf, type PageRequest } from '../newestFirstPage.js';
import { iso, isoOrNull } from '../rows.js';
import { HISTORY, TASKS } from './schema.js';

/** What other packages may ask of the human tasks' read model. Tables and columns are this package's to change. */

const toView = (row: Record<string, unknown>): HumanTaskView =>
  HumanTaskView.parse({
    ...row,
    due_at: isoOrNull(row.due_at),
    created_time: iso(row.created_time),
    claimed_time: isoOrNull(row.claimed_time),
    resolved_time: isoOrNull(row.resolved_time),
    updated_time: iso(row.updated_time),
  });

/** A task of the workspace with its history, oldest line first. */
export const findTask = async (knex: Knex, workspaceId: string, id: string): Promise<HumanTaskDetail | undefined> => {
  const row = await knex(TASKS).where({ workspace_id: workspaceId, id }).first();
  if (!row) return undefined;
  const lines: Record<string, unknown>[] = await knex(HISTORY).select('position', 'action', 'status', 'actor', 'comment', 'recorded_time').where({ task_id: id }).orderBy('position');
  return { ...toView(row), history: lines.map((line) => HumanTaskHistoryEntry.parse({ ...line, recorded_time: iso(line.recorded_time) })) };
};

type Filter = Pick<ListHumanTasksQuery, 'status' | 'assigned_to' | 'run_id'>;
export const listTasks = (knex: Knex, workspaceId: string, filter: Filter, page: PageRequest): Promise<PageOf<HumanTaskView>> => {
  const q = knex(TASKS).where({ workspace_id: workspaceId });
  for (const field of ['status', 'assigned_to', 'run_id'] as const) if (filter[field]) q.andWhere({ [field]: filter[field] });
  return newestFirstPage(q, page, toView);
};

/** Up to `limit` open tasks past their `due_at` at `now`, as the read model knows them (it may lag: the stream decides). */
export const dueForExpiry = (knex: Knex, now: Date, limit: number): Promise<{ workspace_id: string; id: string }[]> =>
  knex(TASKS)
    .select('workspace_id', 'id')
    .whereNotNull('due_at')
    .whereIn('status', ['pending', 'claimed'])
    .andWhere('due_at', '<=', now)
    .orderBy('due_at')
    .limit(limit);
