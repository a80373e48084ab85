import type { RecordedEvent } from '@agent-platform/contracts';
import { StreamNotFoundError, type KurrentDBClient } from '@kurrent/kurrentdb-client';
import { toRecordedEvent } from './wire.js';

/** Events of one stream with versions in [fromVersion, toVersion]; a stream that does not exist is empty. */
export const readStream = async (
  client: KurrentDBClient,
  streamId: string,
  fromVersion = 1,
  toVersion = Number.MAX_SAFE_INTEGER,
): Promise<RecordedEvent[]> => {
  if (toVersion < fromVersion) return [];
  const events: RecordedEvent[] = [];
  try {
    for await (const resolved of client.readStream(streamId, {
      fromRevision: BigInt(fromVersion - 1),
      maxCount: BigInt(toVersion) - BigInt(fromVersion) + 1n,
    })) {
      if (resolved.event) events.push(toRecordedEvent(resolved.event));
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
  return events;
};
