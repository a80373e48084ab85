import type { NextFunction, Request, Response } from 'express';
import { NotFoundError, PlatformError, UnavailableError, ValidationError, type ErrorKind, type Problem } from '@agent-platform/contracts';
import type { Logger } from '../logging.js';
import type { RequestContext } from './context.js';
import { refusedParams } from './refusedParams.js';

const STATUS: Record<ErrorKind, number> = {
  validation: 400,
  not_found: 404,
  conflict: 409,
  unsupported_media_type: 415,
  unprocessable: 422,
  unavailable: 503,
  internal: 500,
};
const TITLE: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const send = (res: Response, problem: Problem): void => {
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
};

/** Express's own errors (a body that is not JSON, too large, wrong charset) carry a status. */
type HttpError = Error & { status?: number; type?: string };

/**
 * The router could not percent-decode a path parameter (`%ED%A0%80`, a surrogate in UTF-8, or a cut
 * sequence): bad input like any other, so a validation error. The router does not say which parameter,
 * so the path parameters are named as a whole.
 */
const undecodableParams = (error: unknown): unknown =>
  error instanceof URIError && (error as HttpError).status === 400
    ? new ValidationError([{ field: 'params', message: 'is not percent-encoded UTF-8' }])
    : error;

/** The one place where errors become HTTP statuses: RFC 9457 problem details. */
export const problemDetails =
  (log: Logger) =>
  (thrown: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const error = undecodableParams(thrown);
    const ctx = res.locals.ctx as RequestContext | undefined;
    const base = { instance: req.originalUrl, ...(ctx ? { request_id: ctx.requestId } : {}) };
    if (error instanceof PlatformError) {
      const status = STATUS[error.kind];
      // Every 503 says when to come back; an error that knows better says so itself.
      if (status === 503) res.setHeader('Retry-After', String(error instanceof UnavailableError ? error.retryAfterSeconds : 1));
      if (status >= 500) (ctx?.log ?? log).error({ err: error }, 'request failed');
      return send(res, {
        type: `urn:agent-platform:problem:${error.code.toLowerCase()}`,
        title: TITLE[status] ?? 'Error',
        status,
        detail: error.message,
        code: error.code,
        ...(error instanceof ValidationError || (error instanceof NotFoundError && error.issues.length) ? { errors: error.issues } : {}),
        ...base,
      });
    }
    const httpError = error as HttpError;
    if (typeof httpError?.status === 'number' && httpError.status >= 400 && httpError.status < 500) {
      const parse = httpError.type === 'entity.parse.failed';
      return send(res, {
        type: `urn:agent-platform:problem:${parse ? 'malformed_json' : 'bad_request'}`,
        title: TITLE[httpError.status] ?? 'Bad Request',
        status: httpError.status,
        detail: parse ? 'the request body is not valid JSON' : httpError.message,
        code: parse ? 'MALFORMED_JSON' : 'BAD_REQUEST',
        ...(parse ? { errors: [{ field: 'body', message: 'is not valid JSON' }] } : {}),
        ...base,
      });
    }
    (ctx?.log ?? log).error({ err: error }, 'unexpected error');
    return send(res, {
      type: 'urn:agent-platform:problem:internal',
      title: 'Internal Server Error',
      status: 500,
      detail: 'an unexpected error occurred; the request id identifies it in the logs',
      code: 'INTERNAL',
      ...base,
    });
  };

/** No route took the request: one refused its path parameters (see `passOn`), or none matched its path. */
export const routeNotFound = (req: Request, res: Response, next: NextFunction): void => {
  const refused = refusedParams(res);
  if (refused) return next(refused);
  send(res, {
    type: 'urn:agent-platform:problem:route_not_found',
    title: 'Not Found',
    status: 404,
    detail: `no route for ${req.method} ${req.path}`,
    code: 'ROUTE_NOT_FOUND',
    instance: req.originalUrl,
  });
};
