import type { MigrationSet } from '@agent-platform/infra';
import type { Projector } from './projector.js';
import { agentRunsProjector } from './agent-runs/projector.js';
import { agentRunJournalReadModel, agentRunsReadModel } from './agent-runs/schema.js';
import { agentsProjector } from './agents/projector.js';
import { agentsReadModel } from './agents/schema.js';
import { deadLettersProjector } from './dead-letters/projector.js';
import { deadLettersReadModel } from './dead-letters/schema.js';
import { sessionsProjector } from './sessions/projector.js';
import { sessionsReadModel } from './sessions/schema.js';
import { toolsProjector } from './tools/projector.js';
import { toolsReadModel } from './tools/schema.js';
import { parkedEventsTable } from './parking/schema.js';

export type { Projector } from './projector.js';
export { startProjectors, type ProjectorRuntime } from './runtime.js';
export { replayProjection, ProjectionBusyError, type ReplayProgress } from './replay.js';
export { applyPage } from './apply.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './parking/applyOrPark.js';

/** Every read model the query side serves. */
export const projectors: readonly Projector[] = [sessionsProjector, deadLettersProjector, toolsProjector, agentsProjector, agentRunsProjector];

export const readModelMigrations: MigrationSet = {
  tableName: 'ap_migrations_read_models',
  migrations: [sessionsReadModel, deadLettersReadModel, toolsReadModel, agentsReadModel, agentRunsReadModel, agentRunJournalReadModel, parkedEventsTable],
};
