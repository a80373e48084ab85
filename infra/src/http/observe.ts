import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from '../metrics.js';

/** Times each request by its route pattern (`/sessions/:id`), never by its raw path, so label values stay few. */
export const observeRequests =
  (metrics: Metrics) =>
  (req: Request, res: Response, next: NextFunction): void => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
