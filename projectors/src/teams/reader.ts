import { TeamMemberRunView, TeamRunView } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import { newestFirstPage, type PageOf, type PageRequest } from '../newestFirstPage.js';
import { iso, isoOrNull } from '../rows.js';
import { TEAM_RUN_STEPS, TEAM_RUNS } from './schema.js';

/** What other packages may ask of the team-runs read model; its tables are this package's to change. */

const toRunView = (row: Record<string, unknown>): TeamRunView =>
  TeamRunView.parse({
    ...row,
    created_time: iso(row.created_time),
    updated_time: iso(row.updated_time),
    started_time: isoOrNull(row.started_time),
    finished_time: isoOrNull(row.finished_time),
    lease_expires_at: isoOrNull(row.lease_expires_at),
  });

export const findRun = async (knex: Knex, workspaceId: string, runId: string): Promise<TeamRunView | undefined> => {
  const row = await knex(TEAM_RUNS).where({ workspace_id: workspaceId, id: runId }).first();
  return row ? toRunView(row) : undefined;
};

export const listRuns = (
  knex: Knex,
  workspaceId: string,
  filter: Partial<Pick<TeamRunView, 'team_id' | 'session_id' | 'status'>>,
  page: PageRequest,
): Promise<PageOf<TeamRunView>> => {
  const q = knex(TEAM_RUNS).where({ workspace_id: workspaceId });
  for (const field of ['team_id', 'session_id', 'status'] as const) if (filter[field]) q.andWhere({ [field]: filter[field] });
  return newestFirstPage(q, page, toRunView);
};

/** A team run's member steps in the order they were decided, each with the agent run it created. */
export const memberRunsOf = async (knex: Knex, workspaceId: string, runId: string): Promise<TeamMemberRunView[]> => {
  const rows: Record<string, unknown>[] = await knex(TEAM_RUN_STEPS).where({ workspace_id: workspaceId, team_run_id: runId }).orderBy('step_no');
  return rows.map((row) => TeamMemberRunView.parse({ ...row, started_time: iso(row.started_time), finished_time: isoOrNull(row.finished_time) }));
};

type RunId = TeamRunView['id'];

/** The oldest queued team runs of a workspace created without auto_execute, for the team worker claim API. */
export const queuedManualRuns = async (knex: Knex, workspaceId: string, limit: number): Promise<RunId[]> => {
  const rows: { id: RunId }[] = await knex(TEAM_RUNS)
    .select('id')
    .where({ workspace_id: workspaceId, status: 'queued', auto_execute: false })
    .orderBy([{ column: 'created_time' }, { column: 'id' }])
    .limit(limit);
  return rows.map((r) => r.id);
};

/** Running team runs whose lease ran out (their worker died), in any workspace, the longest expired first. */
export const expiredLeases = async (knex: Knex, limit: number): Promise<RunId[]> => {
  const rows: { id: RunId }[] = await knex(TEAM_RUNS)
    .select('id')
    .where('status', 'running')
    .andWhere('lease_expires_at', '<', knex.fn.now())
    .orderBy('lease_expires_at')
    .limit(limit);
  return rows.map((r) => r.id);
};

/**
 * Runs nobody took `graceMs` after they could be: woken by their last member (its reaction's start failed)
 * or queued with auto_execute (their queued event was dead-lettered, say), oldest first.
 */
export const untakenRuns = async (knex: Knex, graceMs: number, limit: number): Promise<RunId[]> => {
  const rows: { id: RunId }[] = await knex(TEAM_RUNS)
    .select('id')
    .whereNull('lease_expires_at')
    .andWhere({ waiting: false })
    .andWhere((q) => q.where({ status: 'running' }).orWhere({ status: 'queued', auto_execute: true }))
    .andWhere('updated_time', '<', knex.raw('now() - make_interval(secs => ?)', [graceMs / 1000]))
    .orderBy('updated_time')
    .limit(limit);
  return rows.map((r) => r.id);
};
