import type { ReadAllOptions, ReadAllResult, SubscribeOptions, Subscription } from './port.js';
import type { WakeupHub } from './wakeups.js';

export type PollingOptions = {
  /** Longest sleep when nothing signals; bounds latency where notifications are unavailable. */
  idlePollMs?: number;
  /** First retry delay while an older open transaction hides committed events; doubles up to 50 ms. */
  blockedRetryMs?: number;
  errorRetryMs?: number;
};

/**
 * Catch-up then live over any gap-safe `readAll`: reads full pages back to back, sleeps until woken
 * when caught up, and re-reads soon while an open transaction holds the horizon back.
 * The handler sees every page that moves the checkpoint, even one whose events were all filtered out,
 * so a consumer's checkpoint keeps up with the log.
 */
export const pollingSubscription = (
  readAll: (options: ReadAllOptions) => Promise<ReadAllResult>,
  hub: WakeupHub,
  options: SubscribeOptions,
  polling: PollingOptions = {},
): Subscription => {
  const idlePollMs = polling.idlePollMs ?? 1000;
  const blockedRetryMs = polling.blockedRetryMs ?? 2;
  const errorRetryMs = polling.errorRetryMs ?? 1000;
  const batchSize = options.batchSize ?? 500;
  const { wakeups, release } = hub.attach();
  let stopped = false;
  let checkpoint = options.from;

  const run = async () => {
    let blockedDelay = blockedRetryMs;
    while (!stopped) {
      try {
        const page = await readAll({ after: checkpoint, limit: batchSize, ...(options.types ? { types: options.types } : {}) });
        if (page.scanned > 0) {
          await options.handle(page.events, page.checkpoint);
          checkpoint = page.checkpoint;
          blockedDelay = blockedRetryMs;
          if (page.scanned >= batchSize) continue;
        }
        if (stopped) break;
        if (page.blockedByOpenTransaction) {
          await wakeups.wait(blockedDelay);
          blockedDelay = Math.min(blockedDelay * 2, 50);
        } else {
          await wakeups.wait(idlePollMs);
        }
      } catch (error) {
        options.onError?.(error);
        if (!stopped) await wakeups.wait(errorRetryMs);
      }
    }
    release();
  };

  const done = run();
  return {
    done,
    stop: async () => {
      stopped = true;
      wakeups.signal();
      await done;
    },
  };
};
