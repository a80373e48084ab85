import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  CommandAccepted,
  CreateSkillRunBody,
  ExecuteSkillRunBody,
  SKILL_RUNS_CATEGORY,
  SKILLS_CATEGORY,
  SkillRunOutcome,
  streamId,
  Uuid,
  ValidationError,
} from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import { loadState } from '../handler.js';
import { accepted, type CommandDeps } from '../http.js';
import { executeOptionsOf, executionReply } from '../runExecution.js';
import { runnableSkillVersion, skillDecider } from './decider.js';
import type { SkillRunExecutor } from './executor.js';
import { skillRunDecider } from './runDecider.js';
import { schemaIssues } from './schemas.js';
import { cancelRunRoute } from '../cancelRunRoute.js';

const stream = (runId: string) => streamId(SKILL_RUNS_CATEGORY, runId);
const RunParams = z.object({ id: Uuid });

/** Runs are always taken; they are executed over HTTP only where the process has an executor. */
export const skillRunRoutes = (api: Api, deps: CommandDeps & { execution?: { executor: SkillRunExecutor; executeWaitMs: number } }): void => {
  route(api, {
    method: 'post',
    path: '/skills/runs',
    summary: 'Queue a run of a skill; without skill_version_id the newest published version runs. The input must fit its parameter schema',
    tags: ['skill runs'],
    body: CreateSkillRunBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Queued; `id` is the run id.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ body, headers, ctx, req }) => {
      const skill = await loadState(deps.store, skillDecider, streamId(SKILLS_CATEGORY, body.skill_id));
      const { versionId, version } = runnableSkillVersion(skill, body.skill_id, ctx.workspaceId, body.skill_version_id);
      const issues = schemaIssues(`${versionId}:parameters`, version.parameter_schema_json, body.input_json, 'body.input_json');
      if (issues.length) throw new ValidationError(issues);
      const runId = randomUUID();
      const result = await deps.handle(
        skillRunDecider,
        stream(runId),
        { type: 'QueueSkillRun', data: { ...body, run_id: runId, skill_version_id: versionId, runtime_type: version.runtime_type, workspace_id: ctx.workspaceId } },
        deps.contextOf(ctx, req, headers, body),
        { newStream: true },
      );
      // A replayed request answers the run its first request queued, not the id this one drew.
      return accepted(201, (result.events[0]!.data as { run_id: string }).run_id, result);
    },
  });

  cancelRunRoute(api, deps, {
    runsPath: '/skills/runs',
    summary: 'Cancel a skill run that has not ended',
    tags: ['skill runs'],
    decider: skillRunDecider,
    stream: stream,
    cancel: (id, workspaceId, reason) => ({ type: 'CancelSkillRun' as const, data: { run_id: id, workspace_id: workspaceId, ...(reason ? { reason } : {}) } }),
  });

  const execution = deps.execution;
  if (!execution) return;
  route(api, {
    method: 'post',
    path: '/skills/runs/:id/execute',
    summary: 'Execute a skill run now and wait (bounded) until it ends; with "wait": false answer 202 at once',
    description:
      'A run nobody holds is leased to `worker_key` and executed in this process; a run another worker holds is waited for. ' +
      '200 when the run ended within the wait, else 202 with where it stands (poll `GET /skills/runs/:id`).',
    tags: ['skill runs'],
    params: RunParams,
    body: ExecuteSkillRunBody,
    responses: {
      200: { description: 'The run ended.', schema: SkillRunOutcome },
      202: { description: 'The run is still going.', schema: SkillRunOutcome },
    },
    errors: [404, 422],
    handler: async ({ params, body, ctx }) =>
      executionReply('/skills/runs', await execution.executor.execute(params.id, ctx.workspaceId, executeOptionsOf(body, execution.executeWaitMs))),
  });
};
