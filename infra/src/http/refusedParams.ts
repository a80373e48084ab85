import type { Response } from 'express';
import { ValidationError } from '@agent-platform/contracts';

/**
 * A route whose path parameters refuse a request's (`runs` is not an agent id) passes the request on to the
 * next route that matches its path, so the order in which routes are mounted never decides which one
 * answers. Its refusal is kept: when no route takes the request, that refusal is the answer (400 naming
 * the parameter), as it would have been had the route been the only one.
 */
export const passOn = (res: Response, error: unknown): void => {
  if (!(error instanceof ValidationError)) throw error;
  res.locals.refusedParams ??= error;
};

export const refusedParams = (res: Response): ValidationError | undefined => res.locals.refusedParams as ValidationError | undefined;
