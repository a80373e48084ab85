import { ConflictError, TeamRunQueued, type AgentRunOutcome } from '@agent-platform/contracts';
import type { Config, EventStore, Knex, Logger } from '@agent-platform/infra';
import { teamRunsReader } from '@agent-platform/projectors/readers';
import { createRunKernel } from '../kernel/executor.js';
import { runProcessor } from '../kernel/processor.js';
import { startRunSweeper } from '../kernel/sweeper.js';
import type { StartOptions } from '../kernel/runKind.js';
import { teamRunKind } from './kind.js';
import type { TeamRunKernel, TeamRunProcessorDeps } from './kernel.js';
import type { MemberRunDeps } from './members.js';
import { endingBatches } from './endingBatches.js';
import { recordEndings, type MemberEnding } from './memberEndings.js';

export type TeamRunServiceDeps = {
  store: EventStore;
  knex: Knex;
  log: Logger;
  config: Config;
  workerKey: string;
  /** Where agent runs are executed in this process: member runs start here at once, as eager starts. */
  startAgentRun?: (runId: string, options: StartOptions) => Promise<{ done: Promise<AgentRunOutcome> }>;
};

/** A member run's end as its team records it, from the outcome its driver settled with; nothing when it did not end here. */
const endingOfOutcome = (runId: string, outcome: AgentRunOutcome): MemberEnding | undefined => {
  switch (outcome.status) {
    case 'completed':
      return { agent_run_id: runId, status: 'completed', output_text: outcome.output_text ?? '', error: null };
    case 'failed':
      return { agent_run_id: runId, status: 'failed', output_text: null, error: outcome.error ?? { code: 'AGENT_RUN_FAILED', message: 'the member run failed' } };
    case 'cancelled':
      return { agent_run_id: runId, status: 'cancelled', output_text: null, error: { code: 'AGENT_RUN_CANCELLED', message: 'the member run was cancelled' } };
    default:
      return undefined;
  }
};

/** How long a run nobody took (woken, or queued automatically) waits before the sweeper takes it. */
const UNTAKEN_GRACE_MS = 30_000;

/** Team runs in a process: the kernel (the command side's `execute` uses it too), and the sweeper that resumes the runs nobody works on. */
export const teamRunServices = ({ store, knex, log, config, workerKey, startAgentRun }: TeamRunServiceDeps) => {
  // A member run's end wakes the team run on this process's kernel (`kernel`, below: called only once it exists).
  const recordHere = endingBatches((teamRunId, workspaceId, endings) =>
    recordEndings(store, { executor: kernel, workerKey }, teamRunId, endings, { workspaceId, causationId: teamRunId }),
  );
  const startMember: MemberRunDeps['startAgentRun'] = startAgentRun
    ? (runId, known, member) =>
        void startAgentRun(runId, { workerKey, known })
          .then(({ done }) => done)
          .then(async (outcome) => {
            // Ended here: its ending is recorded at once, and the team run goes on in this process without
            // waiting for the broker. The member-endings reaction then finds it recorded and does nothing.
            const ending = endingOfOutcome(runId, outcome);
            if (ending) await recordHere(member.teamRunId, member.workspaceId, ending);
          })
          .catch((error: unknown) => {
            // Taken by the agent-runs processor first, or ended: it goes on without this start.
            if (!(error instanceof ConflictError)) log.error({ err: error, agent_run_id: runId }, 'eager start of a member run failed; the processors will run it');
          })
    : undefined;
  const kernel: TeamRunKernel = createRunKernel(teamRunKind({ store, ...(startMember ? { startAgentRun: startMember } : {}) }), {
    store,
    log,
    leaseMs: config.AGENT_PLATFORM_AGENT_RUN_LEASE_MS,
    maxAttempts: config.AGENT_PLATFORM_RUN_MAX_ATTEMPTS,
  });
  const concurrency = config.AGENT_PLATFORM_AGENT_RUN_CONCURRENCY;
  return {
    executor: kernel,
    processorDeps: { executor: kernel, workerKey, concurrency },
    sweep: () =>
      startRunSweeper({
        noun: 'team run',
        candidates: async (limit) => {
          const [expired, untaken] = await Promise.all([teamRunsReader.expiredLeases(knex, limit), teamRunsReader.untakenRuns(knex, UNTAKEN_GRACE_MS, limit)]);
          return [...expired, ...untaken];
        },
        start: kernel.start,
        log,
        workerKey,
        intervalMs: Math.min(1000, config.AGENT_PLATFORM_AGENT_RUN_LEASE_MS),
        concurrency,
      }),
  };
};


/** Runs each team run queued with `auto_execute` as soon as it is queued. */
export const teamRunProcessor = (options: TeamRunProcessorDeps) =>
  runProcessor({
    group: 'team-runs',
    types: [TeamRunQueued.type],
    concurrency: options.concurrency,
    runOf: (event) => {
      const queued = TeamRunQueued.schema.parse(event.data);
      return queued.auto_execute ? queued.team_run_id : undefined;
    },
    kernel: options.executor,
    code: 'TEAM_RUN',
    workerKey: options.workerKey,
  });
