import type { Request } from 'express';
import { z } from 'zod';
import type { CommandAccepted, DomainEvent } from '@agent-platform/contracts';
import type { AppendResult, EventStore, Reply, RequestContext } from '@agent-platform/infra';
import type { Decider } from './decider.js';
import { fingerprintOf, sendCommand, type CommandContext, type CommandOptions } from './handler.js';

export type CommandDeps = {
  store: EventStore;
  handle: <S, C, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    streamId: string,
    command: C,
    context: CommandContext,
    options?: CommandOptions<S>,
  ) => Promise<AppendResult>;
  /**
   * The command context of a request: its ids, and its Idempotency-Key (from the headers the route parsed,
   * `commandHeaders`) with a fingerprint of what it asks.
   */
  contextOf: (ctx: RequestContext, req: Request, headers: IdempotencyHeaders, input: unknown) => CommandContext;
  commandHeaders: typeof IdempotencyHeaders;
};

export const IdempotencyHeaders = z.object({
  'idempotency-key': z.string().min(1).max(255).optional().describe('A retry with the same key returns the first result and appends nothing.'),
});
export type IdempotencyHeaders = z.infer<typeof IdempotencyHeaders>;

export const commandDeps = (store: EventStore): CommandDeps => ({
  store,
  handle: (decider, streamId, command, context, options) => sendCommand(store, decider, streamId, command, context, options),
  contextOf: (ctx, req, headers, input) => {
    const key = headers['idempotency-key'];
    return {
      workspaceId: ctx.workspaceId,
      requestId: ctx.requestId,
      correlationId: ctx.correlationId,
      ...(ctx.causationId ? { causationId: ctx.causationId } : {}),
      ...(ctx.userId ? { userId: ctx.userId } : {}),
      ...(key ? { idempotencyKey: key, fingerprint: fingerprintOf(req.method, req.path, input) } : {}),
    };
  },
  commandHeaders: IdempotencyHeaders,
});

export const accepted = (status: 201 | 202, id: string, result: AppendResult): Reply => ({
  status,
  body: { id, position: result.lastPosition } satisfies CommandAccepted,
  headers: result.duplicate ? { 'idempotent-replayed': 'true' } : {},
});
