import type { RecordedEvent } from '@agent-platform/contracts';
import type { LogCheckpoint, ReadAllOptions, ReadAllResult, SubscribeOptions, Subscription } from './port.js';
import { createWakeups, type WakeupHub } from './wakeups.js';

export type PollingOptions = {
  /** Longest sleep of the live reader when nothing signals; bounds latency where notifications are unavailable. */
  idlePollMs?: number;
  /** First retry delay while an older open transaction hides committed events; doubles up to 50 ms. */
  blockedRetryMs?: number;
  errorRetryMs?: number;
  /** Events of the newest part of the log kept in memory for subscriptions that are a little behind. */
  bufferedEvents?: number;
};

const PAGE_SIZE = 500;

type Key = { tx: bigint; pos: number };
type Buffered = Key & { event: RecordedEvent };

const keyOf = (checkpoint: LogCheckpoint): Key => ({ tx: BigInt(checkpoint.transactionId), pos: checkpoint.globalPosition });
const before = (a: Key, b: Key): boolean => a.tx < b.tx || (a.tx === b.tx && a.pos < b.pos);

/**
 * Subscriptions over any gap-safe `readAll` that share one live reader. Each subscription catches up on
 * its own, reading full pages back to back; once a read comes back short it is live, and takes what the
 * shared reader read since its checkpoint from memory. So a process with a relay, five projectors and a
 * few stream watchers reads each new page of the log once, not once per subscriber (each read is a
 * query, and every append woke them all). A subscription that falls behind the events kept in memory (a
 * slow handler, a retried page) reads on its own again until it has caught up, so one slow or failing
 * consumer never holds the others back.
 *
 * A live subscription with `lingerMs` takes new events at most once per linger, and the shared reader
 * reads only for a subscription that waits for more: while all of them are busy (a page in hand) or
 * lingering, appends are not read one by one, and the next read gets all of them at once. Subscriptions
 * woken by the same read linger in step, so a relay and a few projectors share one read per linger. An
 * append after a quiet spell is taken at once; `hurry` cuts a subscription's linger short.
 *
 * The handler sees every page that moves the checkpoint, even one whose events were all filtered out, so
 * a consumer's checkpoint keeps up with the log.
 */
export const sharedSubscriptions = (
  readAll: (options: ReadAllOptions) => Promise<ReadAllResult>,
  hub: WakeupHub,
  polling: PollingOptions = {},
  /** Failures of the shared reader; it retries on its own, and its subscriptions wait for it. */
  onError: (error: unknown) => void = () => undefined,
): ((options: SubscribeOptions) => Subscription) => {
  const idlePollMs = polling.idlePollMs ?? 1000;
  const blockedRetryMs = polling.blockedRetryMs ?? 2;
  const errorRetryMs = polling.errorRetryMs ?? 1000;
  const bufferedEvents = polling.bufferedEvents ?? 4 * PAGE_SIZE;

  /* The shared live reader: the newest events of the log, contiguous, in log order, after `start`. */
  let buffer: Buffered[] = [];
  let start: Key | undefined;
  let head: LogCheckpoint | undefined;
  const live = new Set<() => void>();
  /** Live subscriptions that took everything read so far and wait for more. */
  const hungry = new Set<() => void>();
  /** Signalled when a subscription becomes hungry. */
  const demand = createWakeups();
  let reader: Promise<void> | undefined;
  let readerWakeups: ReturnType<WakeupHub['attach']> | undefined;

  const readLive = async () => {
    const attached = hub.attach();
    readerWakeups = attached;
    let blockedDelay = blockedRetryMs;
    try {
      while (live.size > 0) {
        try {
          const page = await readAll({ after: head!, limit: PAGE_SIZE });
          if (page.scanned > 0) {
            buffer.push(...page.events.map((event) => ({ tx: BigInt(event.transaction_id), pos: event.global_position, event })));
            head = page.checkpoint;
            if (buffer.length > bufferedEvents) {
              const dropped = buffer.splice(0, buffer.length - bufferedEvents);
              start = dropped.at(-1)!;
            }
            for (const wake of live) wake();
            blockedDelay = blockedRetryMs;
            if (page.scanned >= PAGE_SIZE) continue;
          }
          if (live.size === 0) break;
          if (page.blockedByOpenTransaction) {
            await attached.wakeups.wait(blockedDelay);
            blockedDelay = Math.min(blockedDelay * 2, 50);
          } else {
            await attached.wakeups.wait(idlePollMs);
          }
          // Nothing is read while every subscription is busy or lingering: the first one back for more
          // gets all that was appended meanwhile in one read.
          while (live.size > 0 && hungry.size === 0) await demand.wait(idlePollMs);
        } catch (error) {
          onError(error);
          await attached.wakeups.wait(errorRetryMs);
        }
      }
    } finally {
      attached.release();
      readerWakeups = undefined;
      buffer = [];
      start = undefined;
      head = undefined;
      reader = undefined;
    }
  };

  const join = (checkpoint: LogCheckpoint, wake: () => void) => {
    live.add(wake);
    if (reader) return;
    start = keyOf(checkpoint);
    head = checkpoint;
    reader = readLive();
  };
  const leave = (wake: () => void) => {
    live.delete(wake);
    hungry.delete(wake);
    // The reader sees the empty set when it wakes, and stops.
    if (live.size === 0) {
      readerWakeups?.wakeups.signal();
      demand.signal();
    }
  };

  /** What the shared reader holds after `after`, at most `limit` events; `behind` when it no longer holds all of it. */
  const take = (after: LogCheckpoint, limit: number): 'behind' | { events: RecordedEvent[]; checkpoint: LogCheckpoint } | undefined => {
    if (!start) return 'behind';
    const key = keyOf(after);
    if (before(key, start)) return 'behind';
    let low = 0;
    let high = buffer.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (before(key, buffer[mid]!)) high = mid;
      else low = mid + 1;
    }
    if (low === buffer.length) return undefined;
    const slice = buffer.slice(low, low + limit);
    const last = slice.at(-1)!.event;
    return { events: slice.map((b) => b.event), checkpoint: { transactionId: last.transaction_id, globalPosition: last.global_position } };
  };

  return (options) => {
    const batchSize = options.batchSize ?? PAGE_SIZE;
    const wanted = options.types ? new Set(options.types) : undefined;
    const wakeups = createWakeups();
    const wake = () => wakeups.signal();
    const lingerMs = options.lingerMs ?? 0;
    /** When it last took a page; once live, its linger counts from then. */
    let tookAt = -Infinity;
    let hurried = false;
    let stopped = false;
    let checkpoint = options.from;
    let isLive = false;

    const handle = async (events: RecordedEvent[], next: LogCheckpoint) => {
      tookAt = performance.now();
      hurried = false;
      await options.handle(events, next);
      checkpoint = next;
    };

    const step = async (): Promise<void> => {
      if (isLive) {
        const lingeringMs = hurried ? 0 : tookAt + lingerMs - performance.now();
        if (lingeringMs > 0) {
          await wakeups.wait(lingeringMs);
          return;
        }
        const taken = take(checkpoint, batchSize);
        if (taken === 'behind') {
          isLive = false;
          leave(wake);
        } else if (taken) {
          await handle(wanted ? taken.events.filter((e) => wanted.has(e.type)) : taken.events, taken.checkpoint);
        } else {
          hungry.add(wake);
          demand.signal();
          await wakeups.wait(idlePollMs);
          hungry.delete(wake);
        }
        return;
      }
      const page = await readAll({ after: checkpoint, limit: batchSize, ...(options.types ? { types: options.types } : {}) });
      if (page.scanned > 0) await handle(page.events, page.checkpoint);
      if (page.scanned < batchSize && !stopped) {
        isLive = true;
        join(checkpoint, wake);
      }
    };

    const run = async () => {
      while (!stopped) {
        try {
          await step();
        } catch (error) {
          options.onError?.(error);
          if (!stopped) await wakeups.wait(errorRetryMs);
        }
      }
      if (isLive) leave(wake);
    };

    const done = run();
    return {
      done,
      stop: async () => {
        stopped = true;
        wakeups.signal();
        await done;
      },
      hurry: () => {
        hurried = true;
        wakeups.signal();
      },
    };
  };
};
