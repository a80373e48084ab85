import { randomUUID } from 'node:crypto';
import { createPool, createPostgresEventStore } from '@agent-platform/infra';
import { freshStream, sessionMessages, withRoom } from './events.js';
import { measure, type Cell, type Timing } from './measure.js';

/** `store.append` as a command handler calls it: exact expected version and a command id. */
export const measureAppends = async (
  databaseUrl: string,
  concurrency: number,
  batchSize: number,
  timing: Timing,
): Promise<Cell> => {
  const pool = createPool(databaseUrl, concurrency);
  // As the platform runs it: notifications go over the listening connection, not the appenders' pool.
  const store = createPostgresEventStore({ pool, listenConnectionString: databaseUrl });
  await store.ready;
  try {
    return await measure(concurrency, timing, () => {
      let stream = freshStream();
      return async () => {
        stream = withRoom(stream);
        const commandId = randomUUID();
        const result = await store.append(stream.id, sessionMessages(stream, batchSize, commandId), {
          expectedVersion: stream.version === 0 ? 'no_stream' : stream.version,
          commandId,
        });
        stream.version = result.nextExpectedVersion;
      };
    });
  } finally {
    await store.close();
    await pool.end();
  }
};
