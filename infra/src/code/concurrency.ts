import { UnavailableError } from '@agent-platform/contracts';
import type { CodeRunner } from './port.js';

/** More runs are waiting than the runner will queue: come back in a moment. */
export class CodeRunnerBusy extends UnavailableError {
  override name = 'CodeRunnerBusy';
  constructor(readonly waiting: number) {
    super('CODE_RUNNER_BUSY', `the code runner is busy: ${waiting} runs are already waiting`, 1);
  }
}

export type ConcurrencyLimit = { running: number; waiting: number };

/**
 * At most `limit.running` programs at once, each a tree of processes with its own memory cap, so that a
 * burst of requests cannot take the host's memory and CPU together; up to `limit.waiting` more wait their
 * turn in order, and beyond that a run is refused at once. A run whose caller aborts while it waits leaves
 * the queue without having started.
 */
export const limitConcurrency = (runner: CodeRunner, limit: ConcurrencyLimit): CodeRunner => {
  let running = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    running--;
    queue.shift()?.();
  };
  const acquire = (signal?: AbortSignal): Promise<void> => {
    if (running < limit.running) {
      running++;
      return Promise.resolve();
    }
    if (queue.length >= limit.waiting) return Promise.reject(new CodeRunnerBusy(queue.length));
    return new Promise((resolve, reject) => {
      const start = () => {
        signal?.removeEventListener('abort', leave);
        running++;
        resolve();
      };
      const leave = () => {
        queue.splice(queue.indexOf(start), 1);
        reject(signal!.reason);
      };
      queue.push(start);
      signal?.addEventListener('abort', leave, { once: true });
    });
  };
  return {
    describe: runner.describe,
    run: async (request) => {
      request.signal?.throwIfAborted();
      await acquire(request.signal);
      try {
        return await runner.run(request);
      } finally {
        release();
      }
    },
  };
};
