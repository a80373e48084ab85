import { AgentRunQueued } from '@agent-platform/contracts';
import { callHttpTool, parseAllowedHosts, type CodeRunner, type Config, type HttpToolRequest, type DataKeys, type EventStore, type Knex, type Logger, type ModelProvider } from '@agent-platform/infra';
import type { MemoryServices } from '@agent-platform/command-api/commands';
import { agentRunsReader } from '@agent-platform/projectors/readers';
import { runProcessor } from '../kernel/processor.js';
import type { ProcessorDeps } from '../module.js';
import { startRunSweeper } from '../kernel/sweeper.js';
import { createRunExecutor } from './executor.js';
import { createRunKnowledge, type KnowledgeSearch } from './knowledge.js';
import { createRunMemories } from './memory.js';
import type { RunSkills } from './skills.js';

export type RunServiceDeps = {
  store: EventStore;
  knex: Knex;
  log: Logger;
  config: Config;
  models: ModelProvider;
  workerKey: string;
  /** Memory keys and embeddings: without them runs read and write no memories, and say so. */
  memories?: MemoryServices;
  /** The knowledge search runs cite from, and the documents' keys: without them a version with `knowledge_refs` fails its plan, and says why. */
  knowledge?: { search: KnowledgeSearch; dataKeys: DataKeys };
  /** Runs code skills' programs, isolated; without it a code skill's run fails saying so. */
  codeRunner?: CodeRunner;
};

/** How long an automatic run may stay queued before the sweeper takes it (its queued event was dead-lettered, say). */
const QUEUED_GRACE_MS = 30_000;

/**
 * Agent runs in a process: the executor (the command side's `execute` uses it too), the processor that
 * runs each automatic run when it is queued, and the sweeper that resumes the runs nobody works on.
 */
/** HTTP calls to tools (and http skills) under the configured address guard and response bound. */
export const toolCallerOf = (config: Config) => {
  const toolPolicy = { allowedHosts: parseAllowedHosts(config.AGENT_PLATFORM_TOOL_ALLOWED_HOSTS), maxResponseBytes: config.AGENT_PLATFORM_TOOL_MAX_RESPONSE_BYTES };
  return (request: HttpToolRequest, signal?: AbortSignal) => callHttpTool(request, toolPolicy, signal);
};

export const agentRunServices = ({ store, knex, log, config, models, workerKey, memories, knowledge, skills }: RunServiceDeps & { skills?: RunSkills }) => {
  const executor = createRunExecutor({
    store,
    models,
    secrets: config.secrets,
    callTool: toolCallerOf(config),
    log,
    leaseMs: config.AGENT_PLATFORM_AGENT_RUN_LEASE_MS,
    maxAttempts: config.AGENT_PLATFORM_RUN_MAX_ATTEMPTS,
    memories: memories && createRunMemories(knex, memories),
    knowledge: knowledge && createRunKnowledge(knex, knowledge),
    skills,
  });
  const concurrency = config.AGENT_PLATFORM_AGENT_RUN_CONCURRENCY;
  return {
    executor,
    processorDeps: { executor, workerKey, concurrency },
    sweep: () =>
      startRunSweeper({
        noun: 'agent run',
        candidates: async (limit) => {
          const [expired, forgotten] = await Promise.all([agentRunsReader.expiredLeases(knex, limit), agentRunsReader.forgottenQueuedRuns(knex, QUEUED_GRACE_MS, limit)]);
          return [...expired, ...forgotten];
        },
        start: executor.start,
        log,
        workerKey,
        intervalMs: Math.min(1000, config.AGENT_PLATFORM_AGENT_RUN_LEASE_MS),
        concurrency,
      }),
  };
};

/** Runs each run queued with `auto_execute` as soon as it is queued. */
export const agentRunProcessor = (options: NonNullable<ProcessorDeps['agentRuns']>) =>
  runProcessor({
    group: 'agent-runs',
    types: [AgentRunQueued.type],
    concurrency: options.concurrency,
    runOf: (event) => {
      const queued = AgentRunQueued.schema.parse(event.data);
      return queued.auto_execute ? queued.run_id : undefined;
    },
    kernel: options.executor,
    code: 'AGENT_RUN',
    workerKey: options.workerKey,
  });
