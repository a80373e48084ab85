import { SkillInstallationView, SkillRunView } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import { newestFirstPage, type PageOf, type PageRequest } from '../newestFirstPage.js';
import { iso, isoOrNull } from '../rows.js';
import { INSTALLATIONS, RUNS } from './schema.js';

/**
 * What other packages may ask of the skills' installations and runs read models (the definitions are read
 * through `versionedDefinitionReader`). Tables and columns are this package's to change.
 */

const toInstallationView = (row: Record<string, unknown>): SkillInstallationView =>
  SkillInstallationView.parse({ ...row, created_time: iso(row.created_time), updated_time: iso(row.updated_time) });

const toRunView = (row: Record<string, unknown>): SkillRunView =>
  SkillRunView.parse({
    ...row,
    created_time: iso(row.created_time),
    updated_time: iso(row.updated_time),
    started_time: isoOrNull(row.started_time),
    finished_time: isoOrNull(row.finished_time),
    lease_expires_at: isoOrNull(row.lease_expires_at),
  });

export const findInstallation = async (knex: Knex, workspaceId: string, id: string): Promise<SkillInstallationView | undefined> => {
  const row = await knex(INSTALLATIONS).where({ workspace_id: workspaceId, id }).first();
  return row ? toInstallationView(row) : undefined;
};

type InstallationFilter = Partial<Pick<SkillInstallationView, 'skill_id' | 'install_scope' | 'scope_id' | 'status'>>;
export const listInstallations = (knex: Knex, workspaceId: string, filter: InstallationFilter, page: PageRequest): Promise<PageOf<SkillInstallationView>> => {
  const q = knex(INSTALLATIONS).where({ workspace_id: workspaceId });
  for (const field of ['skill_id', 'install_scope', 'scope_id', 'status'] as const) if (filter[field]) q.andWhere({ [field]: filter[field] });
  return newestFirstPage(q, page, toInstallationView);
};

export const findRun = async (knex: Knex, workspaceId: string, id: string): Promise<SkillRunView | undefined> => {
  const row = await knex(RUNS).where({ workspace_id: workspaceId, id }).first();
  return row ? toRunView(row) : undefined;
};

export const listRuns = (knex: Knex, workspaceId: string, filter: Partial<Pick<SkillRunView, 'skill_id' | 'status'>>, page: PageRequest): Promise<PageOf<SkillRunView>> => {
  const q = knex(RUNS).where({ workspace_id: workspaceId });
  for (const field of ['skill_id', 'status'] as const) if (filter[field]) q.andWhere({ [field]: filter[field] });
  return newestFirstPage(q, page, toRunView);
};

type RunId = SkillRunView['id'];

/** Runs whose lease ran out before they ended: their worker died, and the sweeper resumes them. */
export const expiredLeases = async (knex: Knex, limit: number): Promise<RunId[]> => {
  const rows: { id: RunId }[] = await knex(RUNS).select('id').where('status', 'running').andWhere('lease_expires_at', '<', knex.fn.now()).orderBy('lease_expires_at').limit(limit);
  return rows.map((r) => r.id);
};

/** Runs queued with `auto_execute` longer than `graceMs` ago that nobody took (their queued event was dead-lettered, say). */
export const forgottenQueuedRuns = async (knex: Knex, graceMs: number, limit: number): Promise<RunId[]> => {
  const rows: { id: RunId }[] = await knex(RUNS)
    .select('id')
    .where({ status: 'queued', auto_execute: true })
    .andWhere('created_time', '<', new Date(Date.now() - graceMs))
    .orderBy('created_time')
    .limit(limit);
  return rows.map((r) => r.id);
};
