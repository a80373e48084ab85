export type Timing = { warmupMs: number; durationMs: number };

/** One measured cell; an op is an append, an INSERT statement or an HTTP command. */
export type Cell = { concurrency: number; opsPerSecond: number; p50Ms: number; p99Ms: number };

/** What a part that needs another server (NATS, the all-in-one server) measured, or why it could not. */
export type Outcome<T> = { result: T } | { notMeasured: string };

/** Failures become "not measured" rows, so one absent server does not cost the rest of the run. */
export const outcomeOf = <T>(run: () => Promise<T>): Promise<Outcome<T>> =>
  run().then(
    (result) => ({ result }),
    (error: unknown) => {
      console.error(error);
      return { notMeasured: error instanceof Error ? error.message : String(error) };
    },
  );

/** An operation; each worker gets its own, so it can keep state such as its stream and version. */
export type Operation = () => Promise<void>;

export const percentile = (sorted: readonly number[], q: number): number =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;

/**
 * Runs `concurrency` workers, each awaiting its operation in a loop, through a warm-up and then the
 * measured window. Only operations started inside the window count; the window is closed when the
 * last of them finishes, so ops/s is not flattered by work done during the warm-up. A failed
 * operation stops every worker and fails the cell: a figure with errors in it would mislead.
 */
export const measure = async (concurrency: number, timing: Timing, newOperation: () => Operation): Promise<Cell> => {
  const operations = Array.from({ length: concurrency }, newOperation);
  const measureFrom = performance.now() + timing.warmupMs;
  const until = measureFrom + timing.durationMs;
  const latencies: number[] = [];
  let failed = false;
  await Promise.all(
    operations.map(async (operation) => {
      while (!failed && performance.now() < until) {
        const started = performance.now();
        await operation().catch((error: unknown) => {
          failed = true;
          throw error;
        });
        if (started >= measureFrom) latencies.push(performance.now() - started);
      }
    }),
  );
  const elapsedMs = performance.now() - measureFrom;
  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    opsPerSecond: (latencies.length * 1000) / elapsedMs,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
};
