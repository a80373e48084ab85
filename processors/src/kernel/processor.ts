import { ConflictError, type EventEnvelope } from '@agent-platform/contracts';
import type { Processor } from '../runtime/processor.js';
import type { RunKernel } from './executor.js';

/**
 * Drives a run when an event says it can go on: its queued event, or the outside event it waited for. The
 * delivery is settled when the run ends or waits again; a run another worker holds is left to it (its lease,
 * renewed while it works, says it is alive), and one that ended or still waits needs nothing.
 */
export const runProcessor = <O>(options: {
  group: string;
  types: readonly string[];
  concurrency: number;
  /** The run the event moves on, if any. */
  runOf: (event: EventEnvelope) => string | undefined;
  kernel: Pick<RunKernel<O, object>, 'start'>;
  /** The prefix of the kind's error codes (`AGENT_RUN`). */
  code: string;
  workerKey: string;
}): Processor => {
  const elsewhere = new Set(['LEASED', 'ENDED', 'WAITING'].map((suffix) => `${options.code}_${suffix}`));
  return {
    group: options.group,
    types: options.types,
    concurrency: options.concurrency,
    // Starting a run again joins it, or finds it held, ended or waiting.
    idempotent: true,
    handle: async (event) => {
      const runId = options.runOf(event);
      if (!runId) return;
      try {
        const { done } = await options.kernel.start(runId, { workerKey: options.workerKey });
        await done;
      } catch (error) {
        if (!(error instanceof ConflictError && elsewhere.has(error.code))) throw error;
      }
    },
  };
};
