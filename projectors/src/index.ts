import type { MigrationSet } from '@agent-platform/infra';
import type { ProjectionModule } from './module.js';
import { parkedEventsTable } from './parking/schema.js';

export type { Projector, ProjectionServices } from './projector.js';
export { startProjectors, type ProjectorRuntime } from './runtime.js';
export { replayProjection, ProjectionBusyError, type ReplayProgress } from './replay.js';
export { applyPage } from './apply.js';
export type { ProjectionModule } from './module.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './parking/applyOrPark.js';
export { chooseChunkVectors, type VectorSearchMode } from './knowledge/vectors/choose.js';
export { createInProcessChunkVectors } from './knowledge/vectors/inProcess.js';
export { createPgvectorChunkVectors } from './knowledge/vectors/pgvector.js';
export type { ChunkVectors, ChunkVectorQuery, ChunkVectorsPath } from './knowledge/vectors/port.js';

/** The migrations of the given domains' read models (the composition root lists them), then the projectors' own. */
export const readModelMigrations = (modules: readonly ProjectionModule[]): MigrationSet => ({
  tableName: 'ap_migrations_read_models',
  // Each domain's in its own order, then the platform's: knex runs the ones a database lacks in this order.
  migrations: [...modules.flatMap((module) => module.migrations), parkedEventsTable],
});
