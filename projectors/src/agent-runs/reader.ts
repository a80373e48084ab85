import { AgentRunView, ToolInvocationView, type RunCitation } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import { newestFirstPage, type PageOf, type PageRequest } from '../newestFirstPage.js';
import { iso, isoOrNull } from '../rows.js';
import { documentTitles } from '../knowledge/reader.js';
import { INVOCATIONS, RUNS } from './schema.js';

/**
 * What other packages may ask of the agent-runs read model. Its tables and columns are this package's to
 * change; the command side, the processors and the queries read them only through these functions.
 */

const toRunView = (row: Record<string, unknown>): AgentRunView =>
  AgentRunView.parse({
    ...row,
    created_time: iso(row.created_time),
    updated_time: iso(row.updated_time),
    started_time: isoOrNull(row.started_time),
    finished_time: isoOrNull(row.finished_time),
    lease_expires_at: isoOrNull(row.lease_expires_at),
    // A row projected from a version 1 plan, before the projection was rebuilt, says memory as version 1 did.
    memory: row.memory && { scope_id: null, read_memories: [], ...(row.memory as object) },
    // Titled by `titled`, once the page's documents are looked up.
    citations: (row.citations as RunCitation[]).map((c) => ({ ...c, document_title: null })),
  });

/**
 * Each citation with its document's title as it is now: read when the run is, never stored with the run,
 * so a deleted document's title goes with it (null).
 */
const titled = async (knex: Knex, workspaceId: string, runs: AgentRunView[]): Promise<AgentRunView[]> => {
  const titles = await documentTitles(knex, workspaceId, runs.flatMap((r) => r.citations.map((c) => c.document_id)));
  return runs.map((r) => ({ ...r, citations: r.citations.map((c) => ({ ...c, document_title: titles.get(c.document_id) ?? null })) }));
};

const toInvocationView = (row: Record<string, unknown>): ToolInvocationView =>
  ToolInvocationView.parse({
    ...row,
    created_time: iso(row.created_time),
    started_time: isoOrNull(row.started_time),
    finished_time: isoOrNull(row.finished_time),
  });

export const findRun = async (knex: Knex, workspaceId: string, runId: string): Promise<AgentRunView | undefined> => {
  const row = await knex(RUNS).where({ workspace_id: workspaceId, id: runId }).first();
  return row ? (await titled(knex, workspaceId, [toRunView(row)]))[0] : undefined;
};

/** One page of the runs of a workspace that match the filter, newest first. */
export const listRuns = async (
  knex: Knex,
  workspaceId: string,
  filter: Partial<Pick<AgentRunView, 'agent_id' | 'session_id' | 'team_run_id' | 'status'>>,
  page: PageRequest,
): Promise<PageOf<AgentRunView>> => {
  const q = knex(RUNS).where({ workspace_id: workspaceId });
  for (const field of ['agent_id', 'session_id', 'team_run_id', 'status'] as const) if (filter[field]) q.andWhere({ [field]: filter[field] });
  const found = await newestFirstPage(q, page, toRunView);
  return { ...found, items: await titled(knex, workspaceId, found.items) };
};

/** A run's tool invocations in the order the run made them: by step, then by when each was first recorded. */
export const toolInvocationsOf = async (knex: Knex, workspaceId: string, runId: string): Promise<ToolInvocationView[]> => {
  const rows = await knex(INVOCATIONS)
    .where({ workspace_id: workspaceId, run_id: runId })
    .orderBy([{ column: 'step' }, { column: 'created_time' }, { column: 'id' }]);
  return rows.map(toInvocationView);
};

type RunId = AgentRunView['id'];

/** The oldest queued runs of a workspace created with auto_execute: false, for the worker claim API. */
export const queuedManualRuns = async (knex: Knex, workspaceId: string, limit: number): Promise<RunId[]> => {
  const rows: { id: RunId }[] = await knex(RUNS)
    .select('id')
    .where({ workspace_id: workspaceId, status: 'queued', auto_execute: false })
    .orderBy([{ column: 'created_time' }, { column: 'id' }])
    .limit(limit);
  return rows.map((r) => r.id);
};

// Each of the sweeper's two queries walks its own partial index of the runs read model, however big it grows.

/** Running runs whose lease ran out (their worker died), in any workspace, the longest expired first. */
export const expiredLeases = async (knex: Knex, limit: number): Promise<RunId[]> => {
  const rows: { id: RunId }[] = await knex(RUNS)
    .select('id')
    .where('status', 'running')
    .andWhere('lease_expires_at', '<', knex.fn.now())
    .orderBy('lease_expires_at')
    .limit(limit);
  return rows.map((r) => r.id);
};

/** Automatic runs still queued `graceMs` after they were queued (their queued event was dead-lettered, say), oldest first. */
export const forgottenQueuedRuns = async (knex: Knex, graceMs: number, limit: number): Promise<RunId[]> => {
  const rows: { id: RunId }[] = await knex(RUNS)
    .select('id')
    .where({ status: 'queued', auto_execute: true })
    .andWhere('created_time', '<', knex.raw('now() - make_interval(secs => ?)', [graceMs / 1000]))
    .orderBy('created_time')
    .limit(limit);
  return rows.map((r) => r.id);
};
