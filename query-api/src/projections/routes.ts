import { z } from 'zod';
import { ProjectionStatus } from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import type { QueryDeps } from '../deps.js';
import { projectionStatuses } from './status.js';

export const projectionQueries = (api: Api, deps: QueryDeps): void => {
  route(api, {
    method: 'get',
    path: '/projections',
    summary: 'Each read model and how far it lags behind the log',
    tags: ['operations'],
    responses: { 200: { description: 'Projection lag.', schema: z.object({ items: z.array(ProjectionStatus) }) } },
    handler: async () => ({ status: 200, body: { items: await projectionStatuses(deps, deps.projectionNames) } }),
  });
};
