import express, { type Express } from 'express';
import type { Logger } from '../logging.js';
import type { Metrics } from '../metrics.js';
import { observeRequests } from './observe.js';
import { requestContext } from './context.js';
import { strictContentType } from './mediaType.js';
import { problemDetails, routeNotFound } from './problem.js';
import type { Api } from './routes.js';

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
  app.use(express.json({ limit: '2mb' }));
  for (const api of apis) {
    app.use(api.router);
    app.use('/gateway', api.router);
  }
  app.use(routeNotFound);
  app.use(problemDetails(log));
  return app;
};
