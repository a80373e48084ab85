import type { Logger } from './logging.js';

export type RepeatedLog = {
  /** One more occurrence; logged if it is the first, or the last line is `everyMs` old. */
  (context: Record<string, unknown>): void;
  /** Occurrences since the last line written, not logged yet. */
  readonly suppressed: () => number;
};

/** Once per this many milliseconds at most, by default: two lines a minute per loop. */
const REPEATED_LOG_EVERY_MS = 30_000;

/**
 * The log line of an error a loop meets again and again (a projector retrying a page, the relay a broker
 * that is down, a consumer that cannot reach its server). The first occurrence is logged; after it at most
 * one line per `everyMs`, with `repeated`: the occurrences since the previous line. A projector that
 * retried a poison event each second logged about 1 MB a minute; now a loop writes at most two lines a
 * minute whatever it meets. The window never resets on a success, so a loop that fails and recovers in
 * turn is bounded too.
 */
export const repeatedLog = (
  log: Logger,
  level: 'warn' | 'error',
  message: string,
  options: { everyMs?: number; now?: () => number } = {},
): RepeatedLog => {
  const everyMs = options.everyMs ?? REPEATED_LOG_EVERY_MS;
  const now = options.now ?? Date.now;
  let loggedAt = -Infinity;
  let since = 0;
  const occurred = (context: Record<string, unknown>) => {
    since++;
    if (now() - loggedAt < everyMs) return;
    log[level]({ ...context, repeated: since }, message);
    loggedAt = now();
    since = 0;
  };
  return Object.assign(occurred, { suppressed: () => since });
};
