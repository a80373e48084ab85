import { randomUUID } from 'node:crypto';
import {
  AppendSessionMessageBody,
  CommandAccepted,
  OpenSessionBody,
  SESSIONS_CATEGORY,
  SessionParams,
  streamId,
} from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import { accepted, type CommandDeps } from '../http.js';
import { sessionDecider } from './decider.js';

const stream = (id: string) => streamId(SESSIONS_CATEGORY, id);

export const sessionRoutes = (api: Api, deps: CommandDeps): void => {
  route(api, {
    method: 'post',
    path: '/sessions',
    summary: 'Open a session',
    tags: ['sessions'],
    body: OpenSessionBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Opened; `id` is the session id.', schema: CommandAccepted } },
    errors: [422],
    handler: async ({ body, headers, ctx, req }) => {
      const id = randomUUID();
      const result = await deps.handle(
        sessionDecider,
        stream(id),
        { type: 'OpenSession', data: { ...body, session_id: id, workspace_id: ctx.workspaceId } },
        deps.contextOf(ctx, req, headers, body),
        { newStream: true },
      );
      return accepted(201, (result.events[0]!.data as { session_id: string }).session_id, result);
    },
  });

  route(api, {
    method: 'post',
    path: '/sessions/:id/messages',
    summary: 'Append a message to an open session',
    tags: ['sessions'],
    params: SessionParams,
    body: AppendSessionMessageBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Appended; `id` is the message id.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ params, body, headers, ctx, req }) => {
      const result = await deps.handle(
        sessionDecider,
        stream(params.id),
        {
          type: 'AppendSessionMessage',
          data: { ...body, session_id: params.id, message_id: randomUUID(), workspace_id: ctx.workspaceId },
        },
        deps.contextOf(ctx, req, headers, { params, body }),
        // A concurrent append only moves seq_no on; deciding again is always right.
        { retryOnConflict: 5 },
      );
      return accepted(201, (result.events[0]!.data as { message_id: string }).message_id, result);
    },
  });

  route(api, {
    method: 'post',
    path: '/sessions/:id/close',
    summary: 'Close a session',
    tags: ['sessions'],
    params: SessionParams,
    headers: deps.commandHeaders,
    responses: { 202: { description: 'Closed.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ params, headers, ctx, req }) => {
      const result = await deps.handle(
        sessionDecider,
        stream(params.id),
        { type: 'CloseSession', data: { session_id: params.id, workspace_id: ctx.workspaceId } },
        deps.contextOf(ctx, req, headers, { params }),
        { retryOnConflict: 5 },
      );
      return accepted(202, params.id, result);
    },
  });
};
