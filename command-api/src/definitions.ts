import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CommandAccepted, streamId, Uuid, type DomainEvent } from '@agent-platform/contracts';
import { route, uuidFrom, type Api } from '@agent-platform/infra';
import type { Decider } from './decider.js';
import { accepted, type CommandDeps } from './http.js';

type Transition<C> = { action: string; summary: string; command: (ids: { id: string; versionId: string; workspaceId: string }) => NoInfer<C> };

/**
 * The routes every versioned definition shares (tools, agents, later teams and skills): create with a
 * code unique in the workspace, add a version, and move a version through its statuses. The id derives
 * from the workspace and the code, so a second create of a code meets the same stream and is refused.
 */
export const definitionRoutes = <S, C, E extends DomainEvent, B extends z.ZodObject<z.ZodRawShape & { code: z.ZodType<string> }>, V extends z.ZodType>(
  api: Api,
  deps: CommandDeps,
  d: {
    noun: string;
    /** The article the noun takes: `an agent`, `a tool`. */
    article: 'a' | 'an';
    path: string;
    category: string;
    decider: Decider<S, C, E>;
    createBody: B;
    create: (body: z.infer<B>, id: string, workspaceId: string) => NoInfer<C>;
    versionBody: V;
    parentIdOf: (body: z.infer<V>) => string;
    createVersion: (body: z.infer<V>, versionId: string, workspaceId: string) => NoInfer<C>;
    transitions: Transition<C>[];
  },
): void => {
  const stream = (id: string) => streamId(d.category, id);
  const tags = [`${d.noun}s`];

  route(api, {
    method: 'post',
    path: d.path,
    summary: `Define ${d.article} ${d.noun}; its code is unique in the workspace`,
    tags,
    body: d.createBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: `Created; \`id\` is the ${d.noun} id.`, schema: CommandAccepted } },
    errors: [409, 422],
    handler: async ({ body, ctx, req }) => {
      const id = uuidFrom(d.noun, ctx.workspaceId, (body as { code: string }).code);
      const result = await deps.handle(d.decider, stream(id), d.create(body as z.infer<B>, id, ctx.workspaceId), deps.contextOf(ctx, req, body));
      return accepted(201, id, result);
    },
  });

  route(api, {
    method: 'post',
    path: `${d.path}/versions`,
    summary: `Add a version to ${d.article} ${d.noun} (a draft unless asked otherwise)`,
    tags,
    body: d.versionBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Created; `id` is the version id.', schema: CommandAccepted } },
    errors: [404, 422],
    handler: async ({ body, ctx, req }) => {
      const versionId = randomUUID();
      const result = await deps.handle(
        d.decider,
        stream(d.parentIdOf(body as z.infer<V>)),
        d.createVersion(body as z.infer<V>, versionId, ctx.workspaceId),
        deps.contextOf(ctx, req, body),
        { retryOnConflict: 5 },
      );
      return accepted(201, versionId, result);
    },
  });

  for (const transition of d.transitions) {
    route(api, {
      method: 'post',
      path: `${d.path}/:id/versions/:version_id/${transition.action}`,
      summary: transition.summary,
      tags,
      params: z.object({ id: Uuid, version_id: Uuid }),
      headers: deps.commandHeaders,
      responses: { 202: { description: 'Done; `id` is the version id.', schema: CommandAccepted } },
      errors: [404, 409, 422],
      handler: async ({ params, ctx, req }) => {
        const result = await deps.handle(
          d.decider,
          stream(params.id),
          transition.command({ id: params.id, versionId: params.version_id, workspaceId: ctx.workspaceId }),
          deps.contextOf(ctx, req, { params }),
          { retryOnConflict: 5 },
        );
        return accepted(202, params.version_id, result);
      },
    });
  }
};
