import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ValidationError } from '@agent-platform/contracts';
import type { Logger } from '../logging.js';

export type RequestContext = {
  requestId: string;
  workspaceId: string;
  correlationId: string;
  causationId?: string;
  userId?: string;
  log: Logger;
};

const WORKSPACE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const HEADER_VALUE = /^[\x21-\x7e]{1,200}$/;

const header = (req: Request, name: string): string | undefined => {
  const value = req.header(name);
  return value === undefined || value === '' ? undefined : value;
};

/** The ids a client may send, which go into every event's metadata and every log line of the request. */
const TRACED_HEADERS = ['x-request-id', 'x-correlation-id', 'x-causation-id', 'x-user-id'] as const;

/**
 * Every request carries a request id (reused from `x-request-id` or made here), a workspace
 * (`x-workspace-id`, else `workspace_id` in the query, else `public`) and a correlation id; the
 * request's logger carries all three. A sent id that is not 1-200 visible ASCII characters is refused
 * before it reaches a log or an event, and the answer to it carries a request id made here.
 */
export const requestContext =
  (log: Logger) =>
  (req: Request, res: Response, next: NextFunction): void => {
    const queryWorkspace = typeof req.query.workspace_id === 'string' ? req.query.workspace_id : undefined;
    const workspaceId = header(req, 'x-workspace-id') ?? queryWorkspace ?? 'public';
    const invalid = TRACED_HEADERS.filter((name) => {
      const value = header(req, name);
      return value !== undefined && !HEADER_VALUE.test(value);
    });
    const sent = (name: (typeof TRACED_HEADERS)[number]) => (invalid.length ? undefined : header(req, name));
    const requestId = sent('x-request-id') ?? randomUUID();
    const correlationId = sent('x-correlation-id') ?? requestId;
    res.setHeader('x-request-id', requestId);
    const knownWorkspace = WORKSPACE_ID.test(workspaceId);
    const issues = [
      ...(knownWorkspace ? [] : [{ field: 'x-workspace-id', message: 'must be 1-128 letters, digits or _ . : -' }]),
      ...invalid.map((field) => ({ field, message: 'must be 1-200 visible ASCII characters' })),
    ];
    const causationId = sent('x-causation-id');
    const userId = sent('x-user-id');
    const ctx: RequestContext = {
      requestId,
      workspaceId,
      correlationId,
      ...(causationId ? { causationId } : {}),
      ...(userId ? { userId } : {}),
      log: log.child({ request_id: requestId, workspace_id: knownWorkspace ? workspaceId : undefined, correlation_id: correlationId }),
    };
    res.locals.ctx = ctx;
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      ctx.log.info({ method: req.method, path: req.originalUrl, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next(issues.length ? new ValidationError(issues) : undefined);
  };

export const contextOf = (res: Response): RequestContext => res.locals.ctx as RequestContext;
