import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  CancelHumanTaskBody,
  ClaimHumanTaskBody,
  CommandAccepted,
  CompleteHumanTaskBody,
  CreateHumanTaskBody,
  HUMAN_TASKS_CATEGORY,
  ReleaseHumanTaskBody,
  streamId,
  Uuid,
  type HumanTaskCommand,
} from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import { accepted, type CommandDeps } from '../http.js';
import { humanTaskDecider } from './decider.js';
import { refusingOtherWorkspacesRun } from './runRef.js';

const stream = (id: string) => streamId(HUMAN_TASKS_CATEGORY, id);
const TaskParams = z.object({ id: Uuid });
const COMPLETIONS = { approved: 'ApproveHumanTask', rejected: 'RejectHumanTask', completed: 'ProvideHumanInput' } as const;
const TAGS = ['human tasks'];

/** A transition of an existing task: every refusal is the decider's (404 for another workspace's task, 409 naming the status). */
const transition = <B extends z.ZodType>(
  api: Api,
  deps: CommandDeps,
  spec: { path: string; summary: string; body: B; done: string; command: (id: string, workspaceId: string, body: z.infer<B>) => HumanTaskCommand },
): void =>
  route(api, {
    method: 'post',
    path: `/human/tasks/:id/${spec.path}`,
    summary: spec.summary,
    tags: TAGS,
    params: TaskParams,
    body: spec.body,
    headers: deps.commandHeaders,
    responses: { 202: { description: spec.done, schema: CommandAccepted } },
    errors: [404, 409],
    handler: async ({ params, body, headers, ctx, req }) => {
      const result = await deps.handle(
        humanTaskDecider,
        stream(params.id),
        spec.command(params.id, ctx.workspaceId, body as z.infer<B>),
        deps.contextOf(ctx, req, headers, { params, body }),
        { retryOnConflict: 5 },
      );
      return accepted(202, params.id, result);
    },
  });

export const humanTaskRoutes = (api: Api, deps: CommandDeps): void => {
  route(api, {
    method: 'post',
    path: '/human/tasks',
    summary: 'Ask a person to approve, answer, take over, pause, resume or review',
    description: 'The task is pending until someone claims it. `run_id` and `node_run_id` are free references (a run links itself only to the tasks it creates), but a `run_id` naming a run of another workspace is a 404.',
    tags: TAGS,
    body: CreateHumanTaskBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Created, pending; `id` is the task id.', schema: CommandAccepted } },
    errors: [404, 409],
    handler: async ({ body, headers, ctx, req }) => {
      await refusingOtherWorkspacesRun(deps.store, body.run_id, ctx.workspaceId);
      const id = randomUUID();
      // The body's schema has no `subject`: only the platform names the call a task approves.
      const result = await deps.handle(
        humanTaskDecider,
        stream(id),
        { type: 'CreateHumanTask', data: { ...body, task_id: id, workspace_id: ctx.workspaceId, subject: null } },
        deps.contextOf(ctx, req, headers, body),
        { newStream: true },
      );
      // A replayed request answers the task its first request created, not the id this one drew.
      return accepted(201, (result.events[0]!.data as { task_id: string }).task_id, result);
    },
  });

  transition(api, deps, {
    path: 'claim',
    summary: 'Claim a pending task: only the claimer may then complete or release it; claiming again what one holds changes nothing',
    body: ClaimHumanTaskBody,
    done: 'Claimed.',
    command: (task_id, workspace_id, body) => ({ type: 'ClaimHumanTask', data: { task_id, workspace_id, claimed_by: body.claimed_by } }),
  });
  transition(api, deps, {
    path: 'release',
    summary: 'Give a claimed task back: it is pending again',
    body: ReleaseHumanTaskBody,
    done: 'Released.',
    command: (task_id, workspace_id, body) => ({ type: 'ReleaseHumanTask', data: { task_id, workspace_id, released_by: body.released_by ?? null } }),
  });
  transition(api, deps, {
    path: 'complete',
    summary: 'Answer a claimed task: approved or rejected for an approval or a review, completed for the other types',
    body: CompleteHumanTaskBody,
    done: 'Answered.',
    command: (task_id, workspace_id, body) => ({
      type: COMPLETIONS[body.status],
      data: { task_id, workspace_id, response_payload_json: body.response_payload_json, comment: body.comment ?? null, acted_by: body.completed_by ?? null },
    }),
  });
  transition(api, deps, {
    path: 'cancel',
    summary: 'Withdraw a task nobody completed yet',
    body: CancelHumanTaskBody,
    done: 'Cancelled.',
    command: (task_id, workspace_id, body) => ({ type: 'CancelHumanTask', data: { task_id, workspace_id, reason: body.reason ?? null, cancelled_by: body.cancelled_by ?? null } }),
  });
};
