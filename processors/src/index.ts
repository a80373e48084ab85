import type { RunExecutor } from '@agent-platform/command-api/commands';
import type { EventStore, Knex } from '@agent-platform/infra';
import { agentRunProcessor } from './agent-runs/processor.js';
import { sessionAnswers } from './agent-runs/sessionAnswers.js';
import { deadLetterRetrier } from './dead-letters/retrier.js';
import type { Processor } from './runtime/processor.js';

export type { Processor, ProcessorContext } from './runtime/processor.js';
export { startProcessorRuntime, type ProcessorRuntime, type RuntimeOptions } from './runtime/runtime.js';
export { deadLetterIdOf } from './dead-letters/record.js';
export { retryDelayMs } from './runtime/backoff.js';
export { createRunExecutor, type ExecutorDeps } from './agent-runs/executor.js';
export { startRunSweeper, type RunSweeper } from './agent-runs/sweeper.js';

/**
 * Every reaction the platform runs, plus the given ones (tests, extensions). Agent runs are executed when
 * an executor is given.
 */
export const platformProcessors = (
  deps: { store: EventStore; knex: Knex; agentRuns?: { executor: RunExecutor; workerKey: string; concurrency: number } },
  extra: readonly Processor[] = [],
): Processor[] => {
  const all: Processor[] = [...extra];
  if (deps.agentRuns) all.push(agentRunProcessor(deps.agentRuns.executor, deps.agentRuns), sessionAnswers(deps.store));
  all.push(deadLetterRetrier({ ...deps, processors: () => all }));
  return all;
};
