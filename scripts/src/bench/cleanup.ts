export type Defer = (what: string, step: () => Promise<void>) => void;

const running = new Set<() => Promise<void>>();

/** Innermost scope first: an outer one closes the admin pool that an inner one drops its database with. */
const runAll = async (): Promise<void> => {
  for (const run of [...running].reverse()) await run();
};

// Ctrl-C or a kill must not leave bench databases or NATS streams behind either.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => {
    // Dropping a database WITH (FORCE) ends the connections of the part still running; their errors
    // must not end the process before the cleanup has.
    process.on('uncaughtException', (error) => console.error(`while cleaning up: ${error.message}`));
    void runAll().finally(() => process.exit(code));
  });
}

/**
 * Runs `body`, then the cleanup steps it deferred, newest first, whether it succeeded, failed or the
 * user pressed Ctrl-C. A failed step is reported and the others still run, so one leftover does not
 * leave the rest behind or hide the error that ended the body.
 */
export const withCleanup = async <T>(body: (defer: Defer) => Promise<T>): Promise<T> => {
  const steps: { what: string; step: () => Promise<void> }[] = [];
  const run = async (): Promise<void> => {
    for (const { what, step } of steps.splice(0).reverse()) {
      await step().catch((error: unknown) => console.error(`cleanup: could not ${what}:`, error));
    }
  };
  running.add(run);
  try {
    return await body((what, step) => void steps.push({ what, step }));
  } finally {
    running.delete(run);
    await run();
  }
};
