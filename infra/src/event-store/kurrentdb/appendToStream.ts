import type { NewEvent, RecordedEvent } from '@agent-platform/contracts';
import { WrongExpectedVersionError, type KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { ExpectedVersion } from '../port.js';
import { readStream } from './readStream.js';
import { toEventData, toStreamState, versionOfRevision } from './wire.js';

export type AppendOutcome =
  | { kind: 'appended'; events: RecordedEvent[] }
  | { kind: 'wrong_version'; currentVersion: number };

export class UnexpectedAppendResult extends Error {
  override name = 'UnexpectedAppendResult';
}

/**
 * Appends with the server's optimistic concurrency check. The server acknowledges a re-sent append
 * whose event ids it already holds at that place without writing them again, and then reports the
 * revisions of the first write. Either way the events are read back: positions and timestamps are
 * the server's, and a deduplicated retry must answer with what was written the first time.
 */
export const appendToStream = async (
  client: KurrentDBClient,
  streamId: string,
  events: readonly NewEvent[],
  options: { expectedVersion: ExpectedVersion; eventIds: readonly string[] },
): Promise<AppendOutcome> => {
  let nextRevision: bigint;
  try {
    const result = await client.appendToStream(
      streamId,
      events.map((e, i) => toEventData(e, options.eventIds[i]!)),
      { streamState: toStreamState(options.expectedVersion) },
    );
    nextRevision = result.nextExpectedRevision;
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) {
      return { kind: 'wrong_version', currentVersion: versionOfRevision(error.actualState) };
    }
    throw error;
  }
  const lastVersion = Number(nextRevision) + 1;
  const written = await readStream(client, streamId, lastVersion - events.length + 1, lastVersion);
  const ids = written.map((e) => e.event_id);
  if (ids.length !== events.length || ids.some((id, i) => id !== options.eventIds[i])) {
    throw new UnexpectedAppendResult(`stream ${streamId} does not hold the appended events at versions ending ${lastVersion}`);
  }
  return { kind: 'appended', events: written };
};
