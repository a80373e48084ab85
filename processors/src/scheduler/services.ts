import type { RunExecutor } from '@agent-platform/command-api/commands';
import { schedulerReader } from '@agent-platform/projectors/readers';
import { toolCallerOf } from '../agent-runs/services.js';
import type { Config, EventStore, Knex, Logger } from '@agent-platform/infra';
import { createDispatcher } from './dispatch.js';
import { startScheduler, type Scheduler } from './engine.js';

export type SchedulerServiceDeps = {
  store: EventStore;
  knex: Knex;
  log: Logger;
  config: Config;
  engineId: string;
  /** Agent runs named by a job (`agent_run_id`) are started on this process's kernel. */
  agentRuns?: { executor: RunExecutor; workerKey: string };
};

/** The scheduler of a process with the scheduler role: its settings from the configuration, HTTP jobs through the tool invoker's guard. */
export const startSchedulerService = ({ store, knex, log, config, engineId, agentRuns }: SchedulerServiceDeps): Scheduler => {
  return startScheduler({
    store,
    dueJobs: (until, limit) => schedulerReader.dueInternalJobs(knex, until, limit),
    log: log.child({ component: 'scheduler' }),
    engineId,
    leaseMs: config.AGENT_PLATFORM_SCHEDULER_LEASE_MS,
    misfireGraceMs: config.AGENT_PLATFORM_SCHEDULER_MISFIRE_GRACE_MS,
    pollMs: config.AGENT_PLATFORM_SCHEDULER_POLL_MS,
    lookaheadMs: config.AGENT_PLATFORM_SCHEDULER_LOOKAHEAD_MS,
    concurrency: config.AGENT_PLATFORM_SCHEDULER_CONCURRENCY,
    dispatch: createDispatcher({ store, callHttp: toolCallerOf(config), ...(agentRuns ? { agentRuns } : {}) }),
  });
};
