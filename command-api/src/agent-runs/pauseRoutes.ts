import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AGENT_RUNS_CATEGORY, CommandAccepted, PauseAgentRunBody, ResumeAgentRunBody, streamId, TakeOverAgentRunBody, Uuid } from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import { accepted, type CommandDeps } from '../http.js';
import { agentRunDecider } from './decider.js';

const stream = (runId: string) => streamId(AGENT_RUNS_CATEGORY, runId);
const params = z.object({ id: Uuid });

/**
 * A person stops a run, takes its session over, and gives it back. Each is a command on the run's stream:
 * the worker driving it loses its lease and lets it go; the run goes on, from its journal, once resumed.
 */
export const agentRunPauseRoutes = (api: Api, deps: CommandDeps): void => {
  route(api, {
    method: 'post',
    path: '/agents/runs/:id/pause',
    summary: 'Stop a queued or running run until it is resumed; a step in flight is given up and made again on resume',
    tags: ['agent runs'],
    params,
    body: PauseAgentRunBody,
    headers: deps.commandHeaders,
    responses: { 202: { description: 'Paused: the run is awaiting_human.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ params: { id }, body, headers, ctx, req }) => {
      const result = await deps.handle(
        agentRunDecider,
        stream(id),
        { type: 'PauseAgentRun', data: { run_id: id, workspace_id: ctx.workspaceId, mode: 'pause', by: body.paused_by ?? null, reason: body.reason ?? null, task_id: null } },
        deps.contextOf(ctx, req, headers, { id, body }),
        { retryOnConflict: 5 },
      );
      return accepted(202, id, result);
    },
  });

  route(api, {
    method: 'post',
    path: '/agents/runs/:id/takeover',
    summary: 'Hand the run’s session to a person: the run stops, and a takeover task is created for them',
    tags: ['agent runs'],
    params,
    body: TakeOverAgentRunBody,
    headers: deps.commandHeaders,
    responses: { 202: { description: 'Taken over; the run’s `waiting_for.task_id` names the takeover task.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ params: { id }, body, headers, ctx, req }) => {
      const result = await deps.handle(
        agentRunDecider,
        stream(id),
        { type: 'PauseAgentRun', data: { run_id: id, workspace_id: ctx.workspaceId, mode: 'takeover', by: body.taken_by ?? null, reason: body.reason ?? null, task_id: randomUUID() } },
        deps.contextOf(ctx, req, headers, { id, body }),
        { retryOnConflict: 5 },
      );
      return accepted(202, id, result);
    },
  });

  route(api, {
    method: 'post',
    path: '/agents/runs/:id/resume',
    summary: 'Give a paused or taken-over run back; the messages join its session and its prompt',
    tags: ['agent runs'],
    params,
    body: ResumeAgentRunBody,
    headers: deps.commandHeaders,
    responses: { 202: { description: 'Resumed: the processors drive the run on.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ params: { id }, body, headers, ctx, req }) => {
      const result = await deps.handle(
        agentRunDecider,
        stream(id),
        { type: 'ResumeAgentRun', data: { run_id: id, workspace_id: ctx.workspaceId, by: body.resumed_by ?? null, messages: body.messages } },
        deps.contextOf(ctx, req, headers, { id, body }),
        { retryOnConflict: 5 },
      );
      return accepted(202, id, result);
    },
  });
};
