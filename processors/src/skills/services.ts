import { SkillRunQueued, type SkillRunCommand, type SkillRunEvent, type SkillRunOutcome } from '@agent-platform/contracts';
import type { SkillRunState } from '@agent-platform/command-api/commands';
import type { CodeRunner, EventStore, HttpToolRequest, HttpToolResult, Knex, Logger, SecretBinding } from '@agent-platform/infra';
import { skillsReader } from '@agent-platform/projectors/readers';
import { redactorOf } from '../agent-runs/redaction.js';
import { createRunKernel, type KernelDeps } from '../kernel/executor.js';
import { runProcessor } from '../kernel/processor.js';
import { startRunSweeper } from '../kernel/sweeper.js';
import { createSkillVersions } from './definitions.js';
import { agentEndings } from './endings.js';
import { skillRunExecutor } from './execute.js';
import { skillRunKind } from './kind.js';

export type SkillRunServiceDeps = KernelDeps & {
  knex: Knex;
  workerKey: string;
  concurrency: number;
  secrets: ReadonlyMap<string, SecretBinding>;
  callTool: (request: HttpToolRequest, signal?: AbortSignal) => Promise<HttpToolResult>;
  codeRunner?: CodeRunner | undefined;
  maxCodeTimeoutSeconds: number;
  store: EventStore;
  log: Logger;
};

/** How long an automatic run may stay queued before the sweeper takes it (its queued event was dead-lettered, say). */
const QUEUED_GRACE_MS = 30_000;

/**
 * Skill runs in a process: the kernel (the command side's `execute` uses it), the processor that runs each
 * run queued with `auto_execute`, and the sweeper that resumes the runs whose worker died.
 */
export const skillRunServices = (deps: SkillRunServiceDeps) => {
  const kernel = createRunKernel<SkillRunState, SkillRunCommand, SkillRunEvent, SkillRunOutcome>(
    skillRunKind({
      store: deps.store,
      versions: createSkillVersions(deps.store),
      callTool: deps.callTool,
      secrets: deps.secrets,
      redact: redactorOf(deps.secrets),
      codeRunner: deps.codeRunner,
      maxCodeTimeoutSeconds: deps.maxCodeTimeoutSeconds,
      log: deps.log,
    }),
    deps,
  );
  return {
    kernel,
    executor: skillRunExecutor(deps.store, kernel),
    processors: () => [
      runProcessor({
        group: 'skill-runs',
        types: [SkillRunQueued.type],
        concurrency: deps.concurrency,
        runOf: (event) => {
          const queued = SkillRunQueued.schema.parse(event.data);
          return queued.auto_execute ? queued.run_id : undefined;
        },
        kernel,
        code: 'SKILL_RUN',
        workerKey: deps.workerKey,
      }),
      agentEndings({ store: deps.store, kernel, workerKey: deps.workerKey, concurrency: deps.concurrency }),
    ],
    sweep: () =>
      startRunSweeper({
        noun: 'skill run',
        candidates: async (limit) => {
          const [expired, forgotten] = await Promise.all([skillsReader.expiredLeases(deps.knex, limit), skillsReader.forgottenQueuedRuns(deps.knex, QUEUED_GRACE_MS, limit)]);
          return [...expired, ...forgotten];
        },
        start: kernel.start,
        log: deps.log,
        workerKey: deps.workerKey,
        intervalMs: Math.min(1000, deps.leaseMs),
        concurrency: deps.concurrency,
      }),
  };
};
export type SkillRunServices = ReturnType<typeof skillRunServices>;
