import type { ProcessorDeps, ProcessorModule } from './module.js';
import type { Processor } from './runtime/processor.js';

export type { Processor, ProcessorContext } from './runtime/processor.js';
export { startProcessorRuntime, type ProcessorRuntime, type RuntimeOptions } from './runtime/runtime.js';
export { deadLetterIdOf, recordDeadLetter } from './dead-letters/record.js';
export { retryDelayMs } from './runtime/backoff.js';
export { createRunExecutor, type ExecutorDeps } from './agent-runs/executor.js';
export type { KnowledgeSearch } from './agent-runs/knowledge.js';
export { createRuns, type Runs } from './runs.js';
export { createRunKernel, type KernelDeps, type RunKernel } from './kernel/executor.js';
export { isSettled, type ExecuteOptions as RunExecuteOptions, type Executed } from './kernel/execute.js';
export { startRunSweeper, type RunSweeper } from './kernel/sweeper.js';
export { runProcessor } from './kernel/processor.js';
export { startMemoryExpiry, expireDueMemories, type MemoryExpiry, type MemoryExpiryDeps } from './memories/expiry.js';
export { startHumanTaskExpiry, expireDueHumanTasks, type HumanTaskExpiry, type HumanTaskExpiryDeps } from './human-tasks/expiry.js';
export { openJournal, type Journal, type RunScope, type RunStream } from './kernel/journal.js';
export type { RunKind, RunPhase, Lease, StartOptions } from './kernel/runKind.js';
export type { ProcessorModule, ProcessorDeps } from './module.js';
export { startScheduler, type DueJobs, type Scheduler, type SchedulerDeps, type SchedulerSettings } from './scheduler/engine.js';
export { startSchedulerService } from './scheduler/services.js';
export { createDispatcher, type DispatchDeps } from './scheduler/dispatch.js';
export type { JobDispatcher, FireOutcome } from './scheduler/outcome.js';

/**
 * Every reaction of the given domains (the composition root lists them), plus the given ones (tests,
 * extensions). Agent runs are executed when an executor is given.
 */
export const platformProcessors = (modules: readonly ProcessorModule[], deps: Omit<ProcessorDeps, 'all'>, extra: readonly Processor[] = []): Processor[] => {
  const all: Processor[] = [...extra];
  for (const module of modules) all.push(...module.processors({ ...deps, all: () => all }));
  return all;
};
