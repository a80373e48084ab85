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

/**
 * Every request carries a request id (reused from `x-request-id` or made here), a workspace
 * (`x-workspace-id`, else `workspace_id` in the query, else `public`) and a correlation id; the
 * request's logger carries all three.
 */
export const requestContext =
  (log: Logger) =>
  (req: Request, res: Response, next: NextFunction): void => {
    const queryWorkspace = typeof req.query.workspace_id === 'string' ? req.query.workspace_id : undefined;
    const requestId = header(req, 'x-request-id') ?? randomUUID();
    const workspaceId = header(req, 'x-workspace-id') ?? queryWorkspace ?? 'public';
    const correlationId = header(req, 'x-correlation-id') ?? requestId;
    res.setHeader('x-request-id', requestId);
    const issues = [
      !WORKSPACE_ID.test(workspaceId) && { field: 'x-workspace-id', message: 'must be 1-128 letters, digits or _ . : -' },
      !HEADER_VALUE.test(requestId) && { field: 'x-request-id', message: 'must be 1-200 visible ASCII characters' },
      !HEADER_VALUE.test(correlationId) && { field: 'x-correlation-id', message: 'must be 1-200 visible ASCII characters' },
    ].filter((i): i is { field: string; message: string } => Boolean(i));
    const causationId = header(req, 'x-causation-id');
    const userId = header(req, 'x-user-id');
    const ctx: RequestContext = {
      requestId,
      workspaceId,
      correlationId,
      ...(causationId ? { causationId } : {}),
      ...(userId ? { userId } : {}),
      log: log.child({ request_id: requestId, workspace_id: workspaceId, correlation_id: correlationId }),
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
