/**
 * Tells one log reader that something may have been appended. `wait` resolves on a signal or after
 * its timeout; a signal that arrives while the reader is busy is remembered, so it is never missed.
 */
export type Wakeups = {
  signal(): void;
  wait(timeoutMs: number): Promise<void>;
};

export const createWakeups = (): Wakeups => {
  let waiter: (() => void) | undefined;
  let pending = false;
  return {
    signal() {
      if (waiter) waiter();
      else pending = true;
    },
    wait(timeoutMs) {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const timer = setTimeout(() => wake(), timeoutMs);
        const wake = () => {
          clearTimeout(timer);
          waiter = undefined;
          resolve();
        };
        waiter = wake;
      });
    },
  };
};

/** Fans one source of signals (local appends, LISTEN/NOTIFY) out to every reader's own `Wakeups`. */
export type WakeupHub = {
  signal(): void;
  /** A reader's own wake-ups; call the returned `release` when the reader stops. */
  attach(): { wakeups: Wakeups; release: () => void };
};

export const createWakeupHub = (): WakeupHub => {
  const readers = new Set<Wakeups>();
  return {
    signal() {
      for (const r of readers) r.signal();
    },
    attach() {
      const wakeups = createWakeups();
      readers.add(wakeups);
      return { wakeups, release: () => readers.delete(wakeups) };
    },
  };
};
