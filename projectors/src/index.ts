import type { MigrationSet } from '@agent-platform/infra';
import type { Projector } from './projector.js';
import { projectionModules } from './modules.js';
import { parkedEventsTable } from './parking/schema.js';

export type { Projector } from './projector.js';
export { startProjectors, type ProjectorRuntime } from './runtime.js';
export { replayProjection, ProjectionBusyError, type ReplayProgress } from './replay.js';
export { applyPage } from './apply.js';
export { projectionModules } from './modules.js';
export type { ProjectionModule } from './module.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './parking/applyOrPark.js';

/** Every read model the query side serves: the projectors of every domain. */
export const projectors: readonly Projector[] = projectionModules.flatMap((module) => module.projectors);

export const readModelMigrations: MigrationSet = {
  tableName: 'ap_migrations_read_models',
  // Each domain's in its own order, then the platform's: knex runs the ones a database lacks in this order.
  migrations: [...projectionModules.flatMap((module) => module.migrations), parkedEventsTable],
};
