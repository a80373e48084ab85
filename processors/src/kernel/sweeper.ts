import { ConflictError } from '@agent-platform/contracts';
import { repeatedLog, type Logger } from '@agent-platform/infra';
import { repeatEvery } from '../runtime/repeat.js';

export type RunSweeper = { stop: () => Promise<void> };

/**
 * Resumes runs nobody is working on: those whose lease ran out (their worker died: a crash, a kill, a
 * deploy), and whatever else the kind's `candidates` finds (automatic runs forgotten in the queue, a timer
 * that is due). Candidates come from a read model, which may lag; the lease decides who takes one, so any
 * number of processes may sweep at once.
 */
export const startRunSweeper = (deps: {
  /** What the sweeper resumes, for its logs: `agent run`. */
  noun: string;
  /** Up to `limit` runs that may need resuming. */
  candidates: (limit: number) => Promise<string[]>;
  start: (runId: string, options: { workerKey: string }) => Promise<{ done: Promise<unknown> }>;
  log: Logger;
  workerKey: string;
  intervalMs: number;
  concurrency: number;
}): RunSweeper => {
  const log = deps.log.child({ component: 'run-sweeper', run_kind: deps.noun });
  // Both repeat each sweep while their cause lasts (the database away, a run that cannot be resumed).
  const resumeFailed = repeatedLog(log, 'error', `resuming a run failed; it will be swept again`);
  const sweepFailed = repeatedLog(log, 'warn', 'run sweep failed');
  const working = new Map<string, Promise<void>>();

  const resume = (runId: string) => {
    const work = (async () => {
      try {
        const { done } = await deps.start(runId, { workerKey: deps.workerKey });
        log.info({ run_id: runId }, 'resuming an abandoned run');
        await done;
      } catch (error) {
        if (error instanceof ConflictError) return; // someone else took it, or it ended meanwhile
        resumeFailed({ err: error, run_id: runId });
      } finally {
        working.delete(runId);
      }
    })();
    working.set(runId, work);
  };

  const sweeps = repeatEvery(deps.intervalMs, async () => {
    try {
      const free = deps.concurrency - working.size;
      if (free > 0) for (const id of (await deps.candidates(free + working.size)).filter((id) => !working.has(id)).slice(0, free)) resume(id);
    } catch (error) {
      sweepFailed({ err: error });
    }
  });
  return {
    stop: async () => {
      await sweeps.stop();
      await Promise.allSettled(working.values());
    },
  };
};
