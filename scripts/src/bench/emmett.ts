import { randomUUID } from 'node:crypto';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { createPool } from '@agent-platform/infra';
import { freshStream, sessionMessages, withRoom } from './events.js';
import { measure, type Cell, type Timing } from './measure.js';

/**
 * Emmett's PostgreSQL event store on our pool (so it is sized like the others), in its own tables of
 * the bench database. Expected version 0n is Emmett's exact "stream does not exist" check.
 * Its driver (dumbo) switches pg's global int8 and json parsers to its own when the store is
 * created, so this must run after every in-process agent-platform measurement.
 */
export const measureEmmett = async (
  databaseUrl: string,
  concurrency: number,
  batchSize: number,
  timing: Timing,
): Promise<Cell> => {
  const pool = createPool(databaseUrl, concurrency);
  const store = getPostgreSQLEventStore(databaseUrl, { connectionOptions: { pool } });
  try {
    await store.schema.migrate();
    return await measure(concurrency, timing, () => {
      let stream = freshStream();
      return async () => {
        stream = withRoom(stream);
        const result = await store.appendToStream(stream.id, sessionMessages(stream, batchSize, randomUUID()), {
          expectedStreamVersion: BigInt(stream.version),
        });
        stream.version = Number(result.nextExpectedStreamVersion);
      };
    });
  } finally {
    await store.close();
    await pool.end();
  }
};
