import type { RecordedEvent } from '@agent-platform/contracts';
import { excludeSystemEvents, type AllStreamResolvedEvent, type KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { LogCheckpoint, SubscribeOptions, Subscription } from '../port.js';
import type { Upcaster } from '../upcasting.js';
import { createWakeups } from '../wakeups.js';
import { isAfter, toReadPosition, toRecordedEvent } from './wire.js';

export type KurrentSubscriptionSettings = {
  /** Wait before resubscribing after the server subscription or the handler failed. */
  errorRetryMs?: number;
};

/**
 * Catch-up then live over the server's `$all` subscription, handed to `handle` in batches of what
 * has arrived. Only system events are filtered on the server; the type filter is applied here, as
 * `readAll` does, so every checkpoint is the position of a real event and a batch whose events were
 * all filtered out still moves the consumer's checkpoint. When the subscription or the handler
 * fails, it resubscribes from the last checkpoint the handler completed: nothing is skipped.
 */
export const subscribeToAll = (
  client: KurrentDBClient,
  upcast: Upcaster,
  options: SubscribeOptions,
  settings: KurrentSubscriptionSettings = {},
): Subscription => {
  const batchSize = options.batchSize ?? 500;
  const errorRetryMs = settings.errorRetryMs ?? 1000;
  const wanted = options.types ? new Set(options.types) : undefined;
  const wakeups = createWakeups();
  let stopped = false;
  let checkpoint: LogCheckpoint = options.from;

  const handleBatch = async (batch: AllStreamResolvedEvent[]) => {
    const from = checkpoint;
    // The server starts after the given position, but a resubscription must never repeat an event.
    const events: RecordedEvent[] = batch.flatMap((r) => (r.event && isAfter(r.event.position, from) ? [toRecordedEvent(r.event)] : []));
    const last = events[events.length - 1];
    if (!last) return;
    const next = { transactionId: last.transaction_id, globalPosition: last.global_position };
    await options.handle((wanted ? events.filter((e) => wanted.has(e.type)) : events).map(upcast), next);
    checkpoint = next;
  };

  /** One server subscription, drained until it fails or the subscription stops. */
  const follow = async () => {
    const buffer: AllStreamResolvedEvent[] = [];
    let failure: Error | undefined;
    const server = client.subscribeToAll({ fromPosition: toReadPosition(checkpoint), filter: excludeSystemEvents() });
    server.on('data', (resolved) => {
      buffer.push(resolved);
      if (buffer.length >= batchSize) server.pause();
      wakeups.signal();
    });
    server.on('error', (error) => {
      failure = error;
      wakeups.signal();
    });
    server.on('end', () => {
      failure ??= new Error('the $all subscription ended');
      wakeups.signal();
    });
    try {
      while (!stopped) {
        if (buffer.length > 0) {
          const batch = buffer.splice(0, batchSize);
          server.resume();
          await handleBatch(batch);
        } else if (failure) {
          throw failure;
        } else {
          await wakeups.wait(60_000);
        }
      }
    } finally {
      await server.unsubscribe().catch(() => undefined);
    }
  };

  const run = async () => {
    while (!stopped) {
      try {
        await follow();
      } catch (error) {
        if (stopped) break;
        options.onError?.(error);
        await wakeups.wait(errorRetryMs);
      }
    }
  };

  const done = run();
  return {
    done,
    stop: async () => {
      stopped = true;
      wakeups.signal();
      await done;
    },
    // The server pushes events as they come and this adapter hands them on at once: it never lingers.
    hurry: () => undefined,
  };
};
