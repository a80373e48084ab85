import type { EventStore, Knex } from '@agent-platform/infra';
import { deadLetterRetrier } from './deadletters/retrier.js';
import type { Processor } from './runtime/processor.js';

export type { Processor, ProcessorContext } from './runtime/processor.js';
export { startProcessorRuntime, type ProcessorRuntime, type RuntimeOptions } from './runtime/runtime.js';
export { deadLetterIdOf } from './deadletters/record.js';
export { retryDelayMs } from './runtime/backoff.js';

/**
 * Every reaction the platform runs, plus the given ones (tests, extensions). The domain processors
 * (agent runs, tools, schedules) join this list as their issues land.
 */
export const platformProcessors = (deps: { store: EventStore; knex: Knex }, extra: readonly Processor[] = []): Processor[] => {
  const all: Processor[] = [...extra];
  all.push(deadLetterRetrier({ ...deps, processors: () => all }));
  return all;
};
