import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { Problem, UnsupportedMediaType } from '@agent-platform/contracts';
import { contextOf, type RequestContext } from './context.js';
import { passOn } from './refusedParams.js';
import { parseInput } from './validate.js';

/** The largest JSON body a route takes unless it says otherwise (`RouteSpec.bodyLimitBytes`). */
export const DEFAULT_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

/** A route whose JSON body may be larger than the platform's 2 MiB (`RouteSpec.bodyLimitBytes`). */
export type BodyLimit = { method: RouteSpec<undefined, undefined, undefined, undefined>['method']; path: string; limit: number };

/**
 * A router and the OpenAPI description of every route on it, built together so they cannot drift, and the
 * routes that take larger bodies than the rest (the app parses their bodies first, `createHttpApp`).
 */
export type Api = { router: Router; registry: OpenAPIRegistry; bodyLimits: BodyLimit[] };

export const createApi = (): Api => {
  const registry = new OpenAPIRegistry();
  return { router: express.Router(), registry, bodyLimits: [] };
};

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

type AnyObject = z.ZodObject<z.ZodRawShape>;
type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

export type RouteSpec<P extends AnyObject | undefined, Q extends AnyObject | undefined, B extends z.ZodType | undefined, H extends AnyObject | undefined> = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express syntax (`/sessions/:id`); the OpenAPI path is derived. */
  path: string;
  summary: string;
  tags: string[];
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The headers the route reads, documented and parsed like the rest of its input; the handler reads them from `headers`, not `req`. */
  headers?: H;
  /** Each answer's body and, in `headers`, the headers it sets (from the handler's `Reply.headers`), documented as the request's are. */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string; headers?: AnyObject }>;
  /** The errors the route can answer with, besides 400 for bad input. */
  errors?: number[];
  /**
   * A larger JSON body, in bytes, than the platform's `DEFAULT_BODY_LIMIT_BYTES` (2 MiB), for the few routes
   * that take documents; larger still is a 413. The OpenAPI document states it (`x-body-limit-bytes`), so the
   * hostile walk sends each route a body just over its own limit.
   */
  bodyLimitBytes?: number;
  handler: (input: {
    params: Infer<P>;
    query: Infer<Q>;
    body: Infer<B>;
    headers: Infer<H>;
    ctx: RequestContext;
    req: Request;
    res: Response;
  }) => Promise<Reply | void>;
};

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The input is invalid; `errors` names each bad field.',
  404: 'No such resource in this workspace.',
  409: 'The change conflicts with the current state.',
  415: 'The body is not JSON.',
  422: 'The request is well formed but cannot be processed (e.g. a reused Idempotency-Key).',
  503: 'Not ready yet; retry after the Retry-After seconds.',
};

export const route = <
  P extends AnyObject | undefined = undefined,
  Q extends AnyObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  H extends AnyObject | undefined = undefined,
>(
  api: Api,
  spec: RouteSpec<P, Q, B, H>,
): void => {
  const responses: RouteConfig['responses'] = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.schema ? { content: { [r.contentType ?? 'application/json']: { schema: r.schema } } } : {}),
      ...(r.headers ? { headers: r.headers } : {}),
    };
  }
  for (const status of [400, ...(spec.body ? [415] : []), ...(spec.errors ?? [])]) responses[status] = problemResponse(ERROR_DESCRIPTIONS[status] ?? 'Error');
  api.registry.registerPath({
    method: spec.method,
    path: spec.path.replace(/:([A-Za-z_]+)/g, '{$1}'),
    summary: spec.summary,
    tags: spec.tags,
    ...(spec.description ? { description: spec.description } : {}),
    request: {
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.query ? { query: spec.query } : {}),
      ...(spec.headers ? { headers: spec.headers } : {}),
      ...(spec.body ? { body: { required: true, content: { 'application/json': { schema: spec.body } } } } : {}),
    },
    responses,
    'x-body-limit-bytes': spec.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
  });
  if (spec.bodyLimitBytes) api.bodyLimits.push({ method: spec.method, path: spec.path, limit: spec.bodyLimitBytes });

  api.router[spec.method](spec.path, async (req: Request, res: Response, next: NextFunction) => {
    let params: Infer<P>;
    try {
      params = (spec.params ? parseInput(spec.params, req.params, 'params') : undefined) as Infer<P>;
    } catch (error) {
      passOn(res, error);
      return next('route');
    }
    const contentType = req.header('content-type');
    if (spec.body && contentType && !req.is(['application/json', 'application/*+json'])) throw new UnsupportedMediaType(contentType);
    // The declared headers are checked as documented; one sent empty counts as not sent, as in the request context.
    const headers = (
      spec.headers
        ? parseInput(spec.headers, Object.fromEntries(Object.keys(spec.headers.shape).flatMap((name) => (req.headers[name] ? [[name, req.headers[name]]] : []))), 'headers')
        : undefined
    ) as Infer<H>;
    const input = {
      params,
      headers,
      query: (spec.query ? parseInput(spec.query, req.query, 'query') : undefined) as Infer<Q>,
      body: (spec.body ? parseInput(spec.body, req.body ?? {}, 'body') : undefined) as Infer<B>,
    };
    const reply = await spec.handler({ ...input, ctx: contextOf(res), req, res });
    if (!reply || res.headersSent) return;
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    if (reply.body === undefined) res.status(reply.status).end();
    else res.status(reply.status).json(reply.body);
  });
};
