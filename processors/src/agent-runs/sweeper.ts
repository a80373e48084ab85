import { ConflictError } from '@agent-platform/contracts';
import type { RunExecutor } from '@agent-platform/command-api/commands';
import { repeatedLog, type Knex, type Logger } from '@agent-platform/infra';
import { agentRunsReader } from '@agent-platform/projectors/readers';

export type RunSweeper = { stop: () => Promise<void> };

/**
 * Resumes runs nobody is working on: running runs whose lease ran out (their worker died: a crash, a kill,
 * a deploy), and automatic runs still queued a while after they were queued (their queued event was
 * dead-lettered, say). It reads the runs read model to find candidates; the lease decides who takes one,
 * so any number of processes may sweep at once.
 */
export const startRunSweeper = (deps: {
  knex: Knex;
  executor: RunExecutor;
  log: Logger;
  workerKey: string;
  intervalMs: number;
  /** How long an automatic run may stay queued before the sweeper takes it. */
  queuedGraceMs: number;
  concurrency: number;
}): RunSweeper => {
  const log = deps.log.child({ component: 'agent-run-sweeper' });
  // Both repeat each sweep while their cause lasts (the database away, a run that cannot be resumed).
  const resumeFailed = repeatedLog(log, 'error', 'resuming an agent run failed; it will be swept again');
  const sweepFailed = repeatedLog(log, 'warn', 'agent run sweep failed');
  const working = new Map<string, Promise<void>>();
  let stopped = false;

  const candidates = async (limit: number): Promise<string[]> => {
    const [expired, forgotten] = await Promise.all([
      agentRunsReader.expiredLeases(deps.knex, limit),
      agentRunsReader.forgottenQueuedRuns(deps.knex, deps.queuedGraceMs, limit),
    ]);
    return [...expired, ...forgotten].filter((id) => !working.has(id)).slice(0, limit);
  };

  const resume = (runId: string) => {
    const work = (async () => {
      try {
        const { done } = await deps.executor.start(runId, { workerKey: deps.workerKey });
        log.info({ agent_run_id: runId }, 'resuming an abandoned agent run');
        await done;
      } catch (error) {
        if (error instanceof ConflictError) return; // someone else took it, or it ended meanwhile
        resumeFailed({ err: error, agent_run_id: runId });
      } finally {
        working.delete(runId);
      }
    })();
    working.set(runId, work);
  };

  const sweep = async () => {
    while (!stopped) {
      try {
        const free = deps.concurrency - working.size;
        if (free > 0) for (const id of await candidates(free)) resume(id);
      } catch (error) {
        sweepFailed({ err: error });
      }
      await new Promise((r) => setTimeout(r, deps.intervalMs).unref());
    }
  };
  const loop = sweep();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      await Promise.allSettled(working.values());
    },
  };
};
