import { SessionView, type ListSessionsQuery } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import { newestFirstPage, type PageOf, type PageRequest } from '../newestFirstPage.js';
import { iso, isoOrNull } from '../rows.js';

/** What other packages may ask of the sessions read model; its tables are this package's to change. */

export { messagesPage } from './messagesPage.js';

const toSessionView = (row: Record<string, unknown>): SessionView =>
  SessionView.parse({
    ...row,
    created_time: iso(row.created_time),
    updated_time: iso(row.updated_time),
    last_message_time: isoOrNull(row.last_message_time),
    closed_time: isoOrNull(row.closed_time),
  });

export const findSession = async (knex: Knex, workspaceId: string, sessionId: string): Promise<SessionView | undefined> => {
  const row = await knex('rm_sessions').where({ workspace_id: workspaceId, id: sessionId }).first();
  return row ? toSessionView(row) : undefined;
};

/** One page of the sessions of a workspace that match the filter, newest first. */
export const listSessions = (
  knex: Knex,
  workspaceId: string,
  filter: Pick<ListSessionsQuery, 'user_id' | 'app_id' | 'status'>,
  page: PageRequest,
): Promise<PageOf<SessionView>> => {
  const q = knex('rm_sessions').where({ workspace_id: workspaceId });
  for (const field of ['user_id', 'app_id', 'status'] as const) if (filter[field]) q.andWhere({ [field]: filter[field] });
  return newestFirstPage(q, page, toSessionView);
};
