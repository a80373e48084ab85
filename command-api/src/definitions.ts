import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CommandAccepted, streamId, Uuid, type DomainEvent, type VersionedDefinition } from '@agent-platform/contracts';
import { route, uuidFrom, type Api } from '@agent-platform/infra';
import type { Decider } from './decider.js';
import { accepted, type CommandDeps } from './http.js';

/**
 * The routes every versioned definition shares (tools, agents, later teams and skills): create with a
 * code unique in the workspace, add a version, and move a version through its statuses. The id derives
 * from the workspace and the code, so a second create of a code meets the same stream and is refused.
 * Each command's name and id field are the definition's.
 */
export const definitionRoutes = <S, C extends { type: string }, E extends DomainEvent, V extends z.ZodType = z.ZodType>(
  api: Api,
  deps: CommandDeps,
  definition: VersionedDefinition & { commands: Record<keyof VersionedDefinition['commands'], C['type']> },
  d: {
    category: string;
    decider: Decider<S, C, E>;
    createBody: z.ZodObject<z.ZodRawShape & { code: z.ZodType<string> }>;
    versionBody: V;
    /** What a version refers to outside its own stream, checked before anything is appended (an agent's knowledge bases). */
    checkVersion?: (body: z.infer<V>, workspaceId: string) => Promise<void>;
  },
): void => {
  const { noun, article, plural, idField, commands } = definition;
  const stream = (id: string) => streamId(d.category, id);
  // The data is a body its schema validated, plus ids: the command the decider's union names by `type`.
  const command = (type: C['type'], data: Record<string, unknown>) => ({ type, data }) as unknown as C;
  const path = `/${plural}`;
  const tags = [plural];
  const transitions = [
    { action: 'publish', summary: `Publish a draft ${noun} version`, type: commands.publish },
    { action: definition.retire.verb.toLowerCase(), summary: definition.retire.summary, type: commands.retire },
  ];

  route(api, {
    method: 'post',
    path,
    summary: `Define ${article} ${noun}; its code is unique in the workspace`,
    tags,
    body: d.createBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: `Created; \`id\` is the ${noun} id.`, schema: CommandAccepted } },
    errors: [409, 422],
    handler: async ({ body, headers, ctx, req }) => {
      const id = uuidFrom(noun, ctx.workspaceId, (body as { code: string }).code);
      const create = command(commands.create, { ...body, [idField]: id, workspace_id: ctx.workspaceId });
      const result = await deps.handle(d.decider, stream(id), create, deps.contextOf(ctx, req, headers, body));
      return accepted(201, id, result);
    },
  });

  route(api, {
    method: 'post',
    path: `${path}/versions`,
    summary: `Add a version to ${article} ${noun} (a draft unless asked otherwise)`,
    tags,
    body: d.versionBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Created; `id` is the version id.', schema: CommandAccepted } },
    errors: [404, 422],
    handler: async ({ body, headers, ctx, req }) => {
      await d.checkVersion?.(body as z.infer<V>, ctx.workspaceId);
      const versionId = randomUUID();
      const result = await deps.handle(
        d.decider,
        stream((body as Record<string, string>)[idField]!),
        command(commands.createVersion, { ...(body as object), version_id: versionId, workspace_id: ctx.workspaceId }),
        deps.contextOf(ctx, req, headers, body),
        { retryOnConflict: 5 },
      );
      // A replay answers the version its first request created, not the id drawn for this one.
      return accepted(201, (result.events[0]!.data as { version_id: string }).version_id, result);
    },
  });

  for (const transition of transitions) {
    route(api, {
      method: 'post',
      path: `${path}/:id/versions/:version_id/${transition.action}`,
      summary: transition.summary,
      tags,
      params: z.object({ id: Uuid, version_id: Uuid }),
      headers: deps.commandHeaders,
      responses: { 202: { description: 'Done; `id` is the version id.', schema: CommandAccepted } },
      errors: [404, 409, 422],
      handler: async ({ params, headers, ctx, req }) => {
        const result = await deps.handle(
          d.decider,
          stream(params.id),
          command(transition.type, { [idField]: params.id, version_id: params.version_id, workspace_id: ctx.workspaceId }),
          deps.contextOf(ctx, req, headers, { params }),
          { retryOnConflict: 5 },
        );
        return accepted(202, params.version_id, result);
      },
    });
  }
};
