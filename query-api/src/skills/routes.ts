import { z } from 'zod';
import {
  ListSkillInstallationsQuery,
  ListSkillRunsQuery,
  ListSkillsQuery,
  NotFoundError,
  Page,
  SKILL_DEFINITION,
  SkillInstallationView,
  SkillRunView,
  SkillVersionView,
  SkillView,
  Uuid,
} from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import { skillsReader, type PageOf, type PageRequest } from '@agent-platform/projectors/readers';
import { pageAnswer, pageAsked } from '../cursor.js';
import { ReadYourWritesQuery, type QueryDeps } from '../deps.js';
import { versionedDefinitionQueries } from '../versionedDefinition.js';

const IdParams = z.object({ id: Uuid });
const definitionQueries = versionedDefinitionQueries(SKILL_DEFINITION, { view: SkillView, versionView: SkillVersionView, listQuery: ListSkillsQuery });

type Filter = { limit: number; cursor?: string | undefined };
/** A read model listed newest first and read by id: its reader's two functions, typed by its view and list query. */
type Collection<Q extends Filter, V> = {
  path: string;
  noun: string;
  code: string;
  projection: 'skill-installations' | 'skill-runs';
  view: z.ZodType<V>;
  listQuery: z.ZodObject<z.ZodRawShape> & z.ZodType<Q>;
  list: (knex: QueryDeps['knex'], workspaceId: string, filter: Q, page: PageRequest) => Promise<PageOf<V>>;
  find: (knex: QueryDeps['knex'], workspaceId: string, id: string) => Promise<V | undefined>;
};

const collectionQueries = <Q extends Filter, V>(api: Api, deps: QueryDeps, c: Collection<Q, V>): void => {
  const projections = [c.projection];
  route(api, {
    method: 'get',
    path: c.path,
    summary: `List ${c.noun}s, newest first`,
    tags: ['skills'],
    query: c.listQuery.extend(ReadYourWritesQuery.shape),
    headers: deps.queryHeaders,
    responses: { 200: { description: `A page of ${c.noun}s.`, schema: Page(c.view) } },
    errors: [503],
    handler: async ({ query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, projections);
      const filter = query as unknown as Q;
      return { status: 200, body: pageAnswer(await c.list(deps.knex, ctx.workspaceId, filter, pageAsked(filter))) };
    },
  });
  route(api, {
    method: 'get',
    path: `${c.path}/:id`,
    summary: `Get a ${c.noun}`,
    tags: ['skills'],
    params: IdParams,
    query: ReadYourWritesQuery,
    headers: deps.queryHeaders,
    responses: { 200: { description: `The ${c.noun}.`, schema: c.view } },
    errors: [404, 503],
    handler: async ({ params, query, headers, ctx }) => {
      await deps.consistency.awaitPosition({ headers, query }, projections);
      const found = await c.find(deps.knex, ctx.workspaceId, params.id);
      if (!found) throw new NotFoundError(c.code, `${c.noun} ${params.id} does not exist in this workspace`);
      return { status: 200, body: found };
    },
  });
};

/** A skill's definitions, installations and runs: each list and each one by id, in the caller's workspace only. */
export const skillQueries = (api: Api, deps: QueryDeps): void => {
  definitionQueries(api, deps);
  collectionQueries(api, deps, {
    path: '/skills/installations',
    noun: 'skill installation',
    code: 'SKILL_INSTALLATION_NOT_FOUND',
    projection: 'skill-installations',
    view: SkillInstallationView,
    listQuery: ListSkillInstallationsQuery,
    list: skillsReader.listInstallations,
    find: skillsReader.findInstallation,
  });
  collectionQueries(api, deps, {
    path: '/skills/runs',
    noun: 'skill run',
    code: 'SKILL_RUN_NOT_FOUND',
    projection: 'skill-runs',
    view: SkillRunView,
    listQuery: ListSkillRunsQuery,
    list: skillsReader.listRuns,
    find: skillsReader.findRun,
  });
};
