import type { RecordedEvent } from '@agent-platform/contracts';
import { BACKWARDS, END, excludeSystemEvents, type KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { LogCheckpoint, ReadAllOptions, ReadAllResult } from '../port.js';
import { isAfter, toCheckpoint, toReadPosition, toRecordedEvent } from './wire.js';

/*
 * `$all` is written by one writer and read only up to what the server has indexed, so it has no
 * gaps to wait on: no horizon is needed and `blockedByOpenTransaction` is always false.
 * System events (`$`-types: links, stats, our command records) are filtered out on the server, so
 * `scanned` counts our events only; the type filter is applied here, after the scan, so the
 * checkpoint still moves past the events it drops (the same rule as the PostgreSQL adapter).
 */

export const readAll = async (client: KurrentDBClient, options: ReadAllOptions): Promise<ReadAllResult> => {
  const fromPosition = toReadPosition(options.after);
  // A forward read includes the event at its start position; read one more and drop it.
  const maxCount = options.limit + (fromPosition === 'start' ? 0 : 1);
  const page: RecordedEvent[] = [];
  for await (const resolved of client.readAll({ fromPosition, maxCount, filter: excludeSystemEvents() })) {
    const event = resolved.event;
    if (!event || !isAfter(event.position, options.after)) continue;
    page.push(toRecordedEvent(event));
    if (page.length === options.limit) break;
  }
  const last = page[page.length - 1];
  const wanted = options.types ? new Set(options.types) : undefined;
  return {
    events: wanted ? page.filter((e) => wanted.has(e.type)) : page,
    scanned: page.length,
    checkpoint: last ? { transactionId: last.transaction_id, globalPosition: last.global_position } : options.after,
    blockedByOpenTransaction: false,
  };
};

/** The prepare position of the newest non-system event, or 0 for an empty store. */
export const headPosition = async (client: KurrentDBClient): Promise<number> => {
  for await (const resolved of client.readAll({
    direction: BACKWARDS,
    fromPosition: END,
    maxCount: 1,
    filter: excludeSystemEvents(),
  })) {
    if (resolved.event) return toCheckpoint(resolved.event.position).globalPosition;
  }
  return 0;
};

/**
 * The log point of the event at a prepare position. An event written by a normal append sits at
 * commit = prepare, so a read from that pair starts exactly at it; anything else there (a system
 * event, a later event) means no event of ours has that position. A position past the head is
 * answered without asking the server to read from beyond the end of its log.
 */
export const checkpointOf = async (client: KurrentDBClient, globalPosition: number): Promise<LogCheckpoint | undefined> => {
  if (globalPosition <= 0 || globalPosition > (await headPosition(client))) return undefined;
  const at = BigInt(globalPosition);
  for await (const resolved of client.readAll({
    fromPosition: { commit: at, prepare: at },
    maxCount: 1,
    filter: excludeSystemEvents(),
  })) {
    if (resolved.event?.position.prepare === at) return toCheckpoint(resolved.event.position);
  }
  return undefined;
};
