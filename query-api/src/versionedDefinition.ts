import { z } from 'zod';
import { NotFoundError, Page, ProjectionName, Uuid, type VersionedDefinition } from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import { versionedDefinitionReader, type PagedView } from '@agent-platform/projectors/readers';
import { pageAnswer, pageAsked } from './cursor.js';
import { ReadYourWritesQuery, type QueryDeps } from './deps.js';

type Listed = z.ZodType<PagedView>;

/** What a versioned definition (tool, agent, later skill and team) shows beyond its names: its views and filters. */
export type VersionedDefinitionReads<View extends Listed, VersionView extends z.ZodType> = {
  view: View;
  versionView: VersionView;
  /** The list's query: the page, and the filters the reader applies (`code`, and the type, `tool_type` say). */
  listQuery: z.ZodObject<z.ZodRawShape & { limit: z.ZodType<number>; cursor: z.ZodType<string | undefined> }>;
};

const IdParams = z.object({ id: Uuid });

/** The four query routes every versioned definition serves: list, get, its versions, one version. */
export const versionedDefinitionQueries =
  <View extends Listed, VersionView extends z.ZodType>(definition: VersionedDefinition, d: VersionedDefinitionReads<View, VersionView>) =>
  (api: Api, deps: QueryDeps): void => {
    const { noun, article, plural, errorPrefix } = definition;
    const reader = versionedDefinitionReader(definition, d);
    // The projector's name, as it derives it from the same definition; parsed, so a definition whose
    // projection is not listed stops the platform at start-up instead of every read answering 503.
    const projections = [ProjectionName.parse(plural)];
    const path = `/${plural}`;
    const tags = [plural];
    const notFound = (id: string) => new NotFoundError(`${errorPrefix}_NOT_FOUND`, `${noun} ${id} does not exist in this workspace`);

    route(api, {
      method: 'get',
      path,
      summary: `List ${plural}, newest first`,
      tags,
      query: d.listQuery.extend(ReadYourWritesQuery.shape),
      headers: deps.queryHeaders,
      responses: { 200: { description: `A page of ${plural}.`, schema: Page(d.view) } },
      errors: [503],
      handler: async ({ query, headers, ctx }) => {
        await deps.consistency.awaitPosition({ headers, query }, projections);
        const given = query as Record<string, string | undefined> & { limit: number; cursor?: string };
        return { status: 200, body: pageAnswer(await reader.listDefinitions(deps.knex, ctx.workspaceId, given, pageAsked(given))) };
      },
    });

    route(api, {
      method: 'get',
      path: `${path}/versions/:id`,
      summary: `Get ${article} ${noun} version`,
      tags,
      params: IdParams,
      query: ReadYourWritesQuery,
      headers: deps.queryHeaders,
      responses: { 200: { description: 'The version.', schema: d.versionView } },
      errors: [404, 503],
      handler: async ({ params, query, headers, ctx }) => {
        await deps.consistency.awaitPosition({ headers, query }, projections);
        const version = await reader.findVersion(deps.knex, ctx.workspaceId, params.id);
        if (!version) throw new NotFoundError(`${errorPrefix}_VERSION_NOT_FOUND`, `${noun} version ${params.id} does not exist in this workspace`);
        return { status: 200, body: version };
      },
    });

    route(api, {
      method: 'get',
      path: `${path}/:id`,
      summary: `Get ${article} ${noun}`,
      tags,
      params: IdParams,
      query: ReadYourWritesQuery,
      headers: deps.queryHeaders,
      responses: { 200: { description: `The ${noun}.`, schema: d.view } },
      errors: [404, 503],
      handler: async ({ params, query, headers, ctx }) => {
        await deps.consistency.awaitPosition({ headers, query }, projections);
        const found = await reader.findDefinition(deps.knex, ctx.workspaceId, params.id);
        if (!found) throw notFound(params.id);
        return { status: 200, body: found };
      },
    });

    route(api, {
      method: 'get',
      path: `${path}/:id/versions`,
      summary: `List ${article} ${noun}'s versions, newest first`,
      tags,
      params: IdParams,
      query: ReadYourWritesQuery,
      headers: deps.queryHeaders,
      responses: { 200: { description: `Every version of the ${noun}.`, schema: z.object({ items: z.array(d.versionView) }) } },
      errors: [404, 503],
      handler: async ({ params, query, headers, ctx }) => {
        await deps.consistency.awaitPosition({ headers, query }, projections);
        if (!(await reader.findDefinition(deps.knex, ctx.workspaceId, params.id))) throw notFound(params.id);
        return { status: 200, body: { items: await reader.versionsOf(deps.knex, ctx.workspaceId, params.id) } };
      },
    });
  };
