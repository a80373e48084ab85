import type { RecordedEvent } from '@agent-platform/contracts';
import { LOG_START, type EventStore, type LogCheckpoint, type Subscription } from './port.js';

export type WatchStreamOptions = {
  /** Yields the events after this stream version: 0 for the whole stream. */
  afterVersion: number;
  /** Ends the watch; the iteration then returns without an error. */
  signal: AbortSignal;
};

/** One watcher's queue of live events, and a way to wake it when one arrives or the watch is aborted. */
type Watcher = { queue: RecordedEvent[]; wake: () => void; woken: () => Promise<void> };

/** One subscription to the log per store, fanned out by stream id to the watchers of each stream. */
type Hub = {
  byStream: Map<string, Set<Watcher>>;
  size: number;
  /** Resolves once the subscription's starting point is fixed: a watcher catches up only after it. */
  ready: Promise<void>;
  started: boolean;
  stopped: boolean;
  subscription?: Subscription;
};

const hubs = new WeakMap<EventStore, Hub>();

const createWatcher = (): Watcher => {
  let pending = false;
  let resolve: (() => void) | undefined;
  return {
    queue: [],
    wake: () => {
      if (resolve) resolve();
      else pending = true;
    },
    woken: () => {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((r) => {
        resolve = () => {
          resolve = undefined;
          r();
        };
      });
    },
  };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Where the shared subscription starts: the head of the log, once no transaction older than the head's
 * is still open. An event committed late by such a transaction sorts before the head, so the
 * subscription would never see it, and a watcher's catch-up read could run before it commits.
 */
const startingPoint = async (store: EventStore, hub: Hub): Promise<LogCheckpoint> => {
  for (let delay = 2; ; delay = Math.min(delay * 2, 1000)) {
    const head = await store.headPosition();
    const from = head > 0 ? ((await store.checkpointOf(head)) ?? LOG_START) : LOG_START;
    const probe = await store.readAll({ after: from, limit: 1 });
    if (!probe.blockedByOpenTransaction || hub.stopped) return from;
    await sleep(delay);
  }
};

const startHub = (store: EventStore): Hub => {
  const hub: Hub = { byStream: new Map(), size: 0, ready: Promise.resolve(), started: false, stopped: false };
  hub.ready = (async () => {
    const from = await startingPoint(store, hub);
    if (hub.stopped) return;
    hub.subscription = store.subscribe({
      from,
      handle: async (events) => {
        for (const event of events) {
          for (const watcher of hub.byStream.get(event.stream_id) ?? []) {
            watcher.queue.push(event);
            watcher.wake();
          }
        }
      },
    });
    hub.started = true;
  })();
  // A hub that could not start is forgotten, so that the next watcher tries again.
  hub.ready.catch(() => {
    if (hubs.get(store) === hub) hubs.delete(store);
  });
  return hub;
};

const join = (store: EventStore, streamId: string, watcher: Watcher): Hub => {
  let hub = hubs.get(store);
  if (!hub) {
    hub = startHub(store);
    hubs.set(store, hub);
  }
  const watchers = hub.byStream.get(streamId) ?? new Set();
  watchers.add(watcher);
  hub.byStream.set(streamId, watchers);
  hub.size++;
  return hub;
};

const leave = (store: EventStore, hub: Hub, streamId: string, watcher: Watcher): void => {
  const watchers = hub.byStream.get(streamId);
  if (!watchers?.delete(watcher)) return;
  if (watchers.size === 0) hub.byStream.delete(streamId);
  if (--hub.size > 0) return;
  hub.stopped = true;
  if (hubs.get(store) === hub) hubs.delete(store);
  hub.ready.then(() => hub.subscription?.stop()).catch(() => undefined);
};

/** Resolves with the promise's value, or with `undefined` once the signal aborts. */
const unlessAborted = <T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> =>
  new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });

/**
 * Every event of one stream after `afterVersion`, in version order, each once: first those already
 * written, then each as it is appended, until the signal aborts. All watchers of a store share one
 * subscription to the log, started with the first watcher and stopped when the last one leaves.
 *
 * A watcher registers before it reads the stream, so an event appended meanwhile is both read and
 * delivered live, and the copy with a version already yielded is dropped. A live event beyond the next
 * version (another transaction committed it first) makes the watcher read the versions in between.
 */
export async function* watchStream(store: EventStore, streamId: string, options: WatchStreamOptions): AsyncGenerator<RecordedEvent, void> {
  const { signal } = options;
  if (signal.aborted) return;
  const watcher = createWatcher();
  const hub = join(store, streamId, watcher);
  const onAbort = () => watcher.wake();
  signal.addEventListener('abort', onAbort, { once: true });
  let last = options.afterVersion;
  const readFrom = async (toVersion?: number) =>
    store.readStream(streamId, { fromVersion: last + 1, ...(toVersion === undefined ? {} : { toVersion }) });
  try {
    // While the subscription is starting, what is already written need not wait for it.
    const early = hub.started ? [] : await readFrom();
    for (const event of early) {
      if (signal.aborted) return;
      yield event;
      last = event.stream_version;
    }
    await unlessAborted(hub.ready, signal);
    if (signal.aborted) return;
    for (const event of await readFrom()) {
      if (signal.aborted) return;
      yield event;
      last = event.stream_version;
    }
    while (!signal.aborted) {
      const event = watcher.queue.shift();
      if (!event) {
        await watcher.woken();
        continue;
      }
      if (event.stream_version <= last) continue;
      const events = event.stream_version === last + 1 ? [event] : await readFrom(event.stream_version);
      for (const e of events) {
        if (signal.aborted) return;
        yield e;
        last = e.stream_version;
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    leave(store, hub, streamId, watcher);
  }
}
