/** A counting semaphore handed out first come, first served; a wait ends early, with false, on abort. */
export type Slots = { acquire: (signal: AbortSignal) => Promise<boolean>; release: () => void };

export const createSlots = (size: number): Slots => {
  let free = size;
  const waiting: Array<() => void> = [];
  return {
    acquire: (signal) => {
      if (signal.aborted) return Promise.resolve(false);
      if (free > 0) {
        free--;
        return Promise.resolve(true);
      }
      return new Promise((resolve) => {
        const take = () => {
          signal.removeEventListener('abort', cancel);
          resolve(true);
        };
        const cancel = () => {
          waiting.splice(waiting.indexOf(take), 1);
          resolve(false);
        };
        waiting.push(take);
        signal.addEventListener('abort', cancel, { once: true });
      });
    },
    release: () => {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
};

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export const sleep = (ms: number, signal: AbortSignal): Promise<boolean> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', cancel);
      resolve(true);
    }, ms);
    const cancel = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', cancel, { once: true });
  });
