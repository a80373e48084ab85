import { SessionView, type ListSessionsQuery } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import { iso, isoOrNull } from '../rows.js';

/** What other packages may ask of the sessions read model; its tables are this package's to change. */

export { messagesPage } from './messagesPage.js';

export const toSessionView = (row: Record<string, unknown>): SessionView =>
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

/** The sessions of a workspace that match the filter, as a query to page newest first by (created_time, id); rows read with `toSessionView`. */
export const sessionsMatching = (knex: Knex, workspaceId: string, filter: Pick<ListSessionsQuery, 'user_id' | 'app_id' | 'status'>): Knex.QueryBuilder => {
  const q = knex('rm_sessions').where({ workspace_id: workspaceId });
  for (const field of ['user_id', 'app_id', 'status'] as const) if (filter[field]) q.andWhere({ [field]: filter[field] });
  return q;
};
