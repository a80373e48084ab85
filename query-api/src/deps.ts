import { z } from 'zod';
import type { ProjectionName } from '@agent-platform/contracts';
import type { EmbeddingProvider, EventStore, Knex } from '@agent-platform/infra';
import type { knowledgeReader } from '@agent-platform/projectors/readers';
import type { Consistency } from './consistency.js';

export type QueryDeps = {
  knex: Knex;
  store: EventStore;
  consistency: Consistency;
  /** The projections whose lag `GET /projections` and `/ready` report. */
  projectionNames: readonly ProjectionName[];
  queryHeaders: typeof ReadYourWritesHeaders;
  /** Embeds search queries (memory and knowledge search); searches are served only where it is given. */
  embeddings?: EmbeddingProvider;
  /** The process's vector path for knowledge search (pgvector or in-process); knowledge search is served only where it is given. */
  chunkVectors?: knowledgeReader.ChunkVectors;
};

export const ReadYourWritesHeaders = z.object({
  'x-min-position': z
    .string()
    .regex(/^\d+$/)
    .optional()
    .describe('Wait (bounded) until the read models have applied this global position, the `position` a command returned.'),
});

export const ReadYourWritesQuery = z.object({
  min_position: z
    .string()
    .regex(/^\d+$/)
    .optional()
    .describe('The same as the `x-min-position` header, for clients that cannot set headers.'),
});
