import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { Api } from './routes.js';

/** One OpenAPI 3.1 document for every route of the given APIs; each route is served at `/` and at `/gateway`. */
export const openApiDocument = (apis: readonly Api[], version: string): object =>
  new OpenApiGeneratorV31(apis.flatMap((api) => api.registry.definitions)).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'agent-platform',
      version,
      description:
        'Commands (non-GET) answer `{ id, position }`; a query may send `x-min-position` to read its own writes. ' +
        'Every request may carry `x-workspace-id` (else `workspace_id` in the query, else `public`). ' +
        'Errors are RFC 9457 problem details.',
    },
    servers: [
      { url: '/', description: 'command and query routes' },
      { url: '/gateway', description: 'the same routes through the single entry point' },
    ],
  });
