import express, { type Express } from 'express';
import type { Logger } from '../logging.js';
import type { Metrics } from '../metrics.js';
import { observeRequests } from './observe.js';
import { requestContext } from './context.js';
import { strictContentType } from './mediaType.js';
import { problemDetails, routeNotFound } from './problem.js';
import { DEFAULT_BODY_LIMIT_BYTES, type Api } from './routes.js';

/**
 * An express app with the platform's edge: request timing, request context, a well-formed Content-Type,
 * JSON bodies, problem details.
 * `mount` places each API at `/` and under `/gateway`.
 */
export const createHttpApp = (log: Logger, apis: readonly Api[], metrics?: Metrics): Express => {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (metrics) app.use(observeRequests(metrics));
  app.use(requestContext(log));
  app.use(strictContentType);
  // A route that takes larger bodies (documents) parses its own first; the 2 MB parser then skips a parsed body.
  // Only those routes: a large limit everywhere would let any route buffer megabytes per request.
  for (const { method, path, limit } of apis.flatMap((api) => api.bodyLimits)) app[method]([path, `/gateway${path}`], express.json({ limit }));
  app.use(express.json({ limit: DEFAULT_BODY_LIMIT_BYTES }));
  for (const api of apis) {
    app.use(api.router);
    app.use('/gateway', api.router);
  }
  app.use(routeNotFound);
  app.use(problemDetails(log));
  return app;
};
