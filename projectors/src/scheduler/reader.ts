import { JobFireView, ScheduledJobView, type JobStatus, type JobType } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import { newestFirstPage, type PageOf, type PageRequest } from '../newestFirstPage.js';
import { iso, isoOrNull } from '../rows.js';
import { FIRES, JOBS } from './schema.js';

/** What other packages may ask of the scheduler's read model; its tables are this package's to change. */

const toJobView = (row: Record<string, unknown>): ScheduledJobView => {
  const { due_at: _due, ...rest } = row;
  return ScheduledJobView.parse({
    ...rest,
    schedule_time: isoOrNull(row.schedule_time),
    next_fire_time: isoOrNull(row.next_fire_time),
    retry_at: isoOrNull(row.retry_at),
    last_fired_slot: isoOrNull(row.last_fired_slot),
    created_time: iso(row.created_time),
    updated_time: iso(row.updated_time),
  });
};

export const findJob = async (knex: Knex, workspaceId: string, jobId: string): Promise<ScheduledJobView | undefined> => {
  const row = await knex(JOBS).where({ workspace_id: workspaceId, id: jobId }).first();
  return row ? toJobView(row) : undefined;
};

export const listJobs = (knex: Knex, workspaceId: string, filter: { status?: JobStatus | undefined; job_type?: JobType | undefined }, page: PageRequest): Promise<PageOf<ScheduledJobView>> => {
  const q = knex(JOBS).where({ workspace_id: workspaceId });
  if (filter.status) q.andWhere({ status: filter.status });
  if (filter.job_type) q.andWhere({ job_type: filter.job_type });
  return newestFirstPage(q, page, toJobView);
};

/** A job's fires, oldest slot first, each attempt on its own. */
export const listFires = async (knex: Knex, workspaceId: string, jobId: string, limit: number): Promise<JobFireView[]> => {
  const rows: Record<string, unknown>[] = await knex(FIRES).where({ workspace_id: workspaceId, job_id: jobId }).orderBy([{ column: 'slot' }, { column: 'attempt' }]).limit(limit);
  return rows.map((row) =>
    JobFireView.parse({
      ...row,
      slot: iso(row.slot),
      fired_at: iso(row.fired_at),
      lease_until: iso(row.lease_until),
      ended_at: isoOrNull(row.ended_at),
      retry_at: isoOrNull(row.retry_at),
    }),
  );
};

export type DueJob = { id: string; workspace_id: string; due_at: string };

/** Jobs the platform's schedulers fire that are due by `until`, in any workspace, soonest first. */
export const dueInternalJobs = async (knex: Knex, until: Date, limit: number): Promise<DueJob[]> => {
  const rows: { id: string; workspace_id: string; due_at: Date }[] = await knex(JOBS)
    .select('id', 'workspace_id', 'due_at')
    .where({ dispatch: 'internal' })
    .andWhere('due_at', '<=', until)
    .orderBy('due_at')
    .limit(limit);
  return rows.map((r) => ({ id: r.id, workspace_id: r.workspace_id, due_at: iso(r.due_at) }));
};

/** A workspace's external jobs due by `now` (a slot, a retry, or a claim whose lease ran out), longest due first. */
export const dueExternalJobs = async (knex: Knex, workspaceId: string, now: Date, limit: number): Promise<string[]> => {
  const rows: { id: string }[] = await knex(JOBS)
    .select('id')
    .where({ dispatch: 'external', workspace_id: workspaceId })
    .andWhere('due_at', '<=', now)
    .orderBy('due_at')
    .limit(limit);
  return rows.map((r) => r.id);
};
