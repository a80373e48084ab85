import { z } from 'zod';
import {
  ListTeamRunsQuery,
  NotFoundError,
  Page,
  TEAM_DEFINITION,
  TeamMemberRunView,
  TeamRunView,
  TeamVersionView,
  TeamView,
  ListTeamsQuery,
  Uuid,
} from '@agent-platform/contracts';
import { route, type Api, type Knex } from '@agent-platform/infra';
import { teamRunsReader } from '@agent-platform/projectors/readers';
import { pageAnswer, pageAsked } from '../cursor.js';
import { ReadYourWritesQuery, type QueryDeps } from '../deps.js';
import { versionedDefinitionQueries } from '../versionedDefinition.js';
import { teamRunStream } from './stream.js';

const PROJECTIONS = ['team-runs'] as const;
const RunParams = z.object({ id: Uuid });

const definitionQueries = versionedDefinitionQueries(TEAM_DEFINITION, { view: TeamView, versionView: TeamVersionView, listQuery: ListTeamsQuery });

const getTeamRunById = async (knex: Knex, workspaceId: string, id: string) => {
  const run = await teamRunsReader.findRun(knex, workspaceId, id);
  if (!run) throw new NotFoundError('TEAM_RUN_NOT_FOUND', `team run ${id} does not exist in this workspace`);
  return run;
};

export const teamQueries = (api: Api, deps: QueryDeps): void => {
  route(api, {
    method: 'get',
    path: '/teams/runs',
    summary: 'List team runs, newest first',
    tags: ['team runs'],
    query: ListTeamRunsQuery.extend(ReadYourWritesQuery.shape),
    headers: deps.queryHeaders,
    responses: { 200: { description: 'A page of team runs.', schema: Page(TeamRunView) } },
    errors: [503],
    handler: async ({ query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      return { status: 200, body: pageAnswer(await teamRunsReader.listRuns(deps.knex, ctx.workspaceId, query, pageAsked(query))) };
    },
  });

  route(api, {
    method: 'get',
    path: '/teams/runs/:id',
    summary: 'Get a team run: its status, team-level answer, error and number of member steps',
    tags: ['team runs'],
    params: RunParams,
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: 'The team run.', schema: TeamRunView } },
    errors: [404, 503],
    handler: async ({ params, query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      return { status: 200, body: await getTeamRunById(deps.knex, ctx.workspaceId, params.id) };
    },
  });

  route(api, {
    method: 'get',
    path: '/teams/runs/:id/member-runs',
    summary: "List a team run's member steps in the order they were decided, each with the agent run it created",
    description: 'A team run has a bounded number of steps, so the list is never paged: `next_cursor` is always null.',
    tags: ['team runs'],
    params: RunParams,
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: "The team run's member steps.", schema: Page(TeamMemberRunView) } },
    errors: [404, 503],
    handler: async ({ params, query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, PROJECTIONS);
      await getTeamRunById(deps.knex, ctx.workspaceId, params.id);
      return { status: 200, body: { items: await teamRunsReader.memberRunsOf(deps.knex, ctx.workspaceId, params.id), next_cursor: null } };
    },
  });

  teamRunStream(api, deps);
  definitionQueries(api, deps);
};
