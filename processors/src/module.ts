import type { MemoryServices, RunExecutor } from '@agent-platform/command-api/commands';
import type { DomainName } from '@agent-platform/contracts';
import type { DataKeys, EmbeddingProvider, EventStore, Knex } from '@agent-platform/infra';
import type { Processor } from './runtime/processor.js';
import type { SkillRunServices } from './skills/services.js';
import type { TeamRunProcessorDeps } from './teams/kernel.js';

/**
 * What every domain's processors get: the store, `knex`, every processor of the process (the dead-letter
 * retrier hands a dead letter back to the one that gave up), and the services the process runs.
 */
export type ProcessorDeps = {
  store: EventStore;
  knex: Knex;
  all: () => readonly Processor[];
  /** Agent runs are executed only where an executor is given. */
  agentRuns?: { executor: RunExecutor; workerKey: string; concurrency: number };
  /** Team runs are orchestrated only where their kernel is given. */
  teamRuns?: TeamRunProcessorDeps;
  /** Memory keys and embeddings: a completed run's memory is written only where they are given. */
  memories?: MemoryServices;
  /** Documents are indexed only where their data keys and an embedding provider are given. */
  knowledge?: { dataKeys: DataKeys; embeddings: EmbeddingProvider };
  /** Skill runs queued with `auto_execute`, and agent skills' runs woken by their agent run's end, are run only where their services are given. */
  skillRuns?: Pick<SkillRunServices, 'processors'>;
};

/**
 * A domain's reactions: the processors it runs, given what this process has (none, when it lacks a service
 * they need). `N` is the domain's name, so it cannot be joined to another domain's parts.
 */
export type ProcessorModule<N extends DomainName = DomainName> = { name: N; processors: (deps: ProcessorDeps) => readonly Processor[] };
