/**
 * Runs `work` now, then again `intervalMs` after each run ends, until stopped. `stop` cuts a wait short
 * and resolves once the run in progress has ended: a process stopped right after it started, its first
 * run still under way, must not wait out a whole interval (the memory sweep's is a minute).
 */
export const repeatEvery = (intervalMs: number, work: () => Promise<void>): { stop: () => Promise<void> } => {
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const loop = (async () => {
    while (!stopped) {
      await work();
      if (stopped) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, intervalMs);
        timer.unref();
      });
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
};
