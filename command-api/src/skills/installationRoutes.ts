import { z } from 'zod';
import {
  CommandAccepted,
  CreateSkillInstallationBody,
  SKILL_INSTALLATIONS_CATEGORY,
  SKILLS_CATEGORY,
  streamId,
  UninstallSkillBody,
  Uuid,
} from '@agent-platform/contracts';
import { route, uuidFrom, type Api } from '@agent-platform/infra';
import { loadState } from '../handler.js';
import { accepted, type CommandDeps } from '../http.js';
import { existingSkill, skillDecider } from './decider.js';
import { skillInstallationDecider } from './installationDecider.js';

const stream = (id: string) => streamId(SKILL_INSTALLATIONS_CATEGORY, id);

export const skillInstallationRoutes = (api: Api, deps: CommandDeps): void => {
  route(api, {
    method: 'post',
    path: '/skills/installations',
    summary: 'Install a skill in a scope (the workspace, an app, a user, an agent or a team); once per scope',
    tags: ['skills'],
    body: CreateSkillInstallationBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Installed; `id` is the installation id.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ body, headers, ctx, req }) => {
      existingSkill(await loadState(deps.store, skillDecider, streamId(SKILLS_CATEGORY, body.skill_id)), body.skill_id, ctx.workspaceId);
      // One installation per skill and scope: installing it twice meets the same stream and is refused.
      const id = uuidFrom('skill-installation', ctx.workspaceId, body.skill_id, body.install_scope, body.scope_id);
      const result = await deps.handle(
        skillInstallationDecider,
        stream(id),
        { type: 'InstallSkill', data: { ...body, installation_id: id, workspace_id: ctx.workspaceId } },
        deps.contextOf(ctx, req, headers, body),
      );
      return accepted(201, id, result);
    },
  });

  route(api, {
    method: 'post',
    path: '/skills/installations/:id/uninstall',
    summary: 'Uninstall a skill from its scope',
    tags: ['skills'],
    params: z.object({ id: Uuid }),
    body: UninstallSkillBody,
    headers: deps.commandHeaders,
    responses: { 202: { description: 'Uninstalled.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ params, body, headers, ctx, req }) => {
      const result = await deps.handle(
        skillInstallationDecider,
        stream(params.id),
        { type: 'UninstallSkill', data: { installation_id: params.id, workspace_id: ctx.workspaceId, ...(body.uninstalled_by ? { uninstalled_by: body.uninstalled_by } : {}) } },
        deps.contextOf(ctx, req, headers, { params, body }),
        { retryOnConflict: 5 },
      );
      return accepted(202, params.id, result);
    },
  });
};
