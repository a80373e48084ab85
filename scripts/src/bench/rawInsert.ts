import { randomUUID } from 'node:crypto';
import { createPool, type Pool } from '@agent-platform/infra';
import { freshStream, sessionMessages, withRoom } from './events.js';
import { measure, type Cell, type Timing } from './measure.js';

const COLUMNS = ['stream_id', 'stream_version', 'event_id', 'type', 'schema_version', 'data', 'metadata'];

/** `LIKE ... INCLUDING ALL` copies ap_events' columns, defaults, identity, constraints and indexes. */
export const createRawTable = async (pool: Pool): Promise<void> => {
  await pool.query('CREATE TABLE bench_raw_events (LIKE ap_events INCLUDING ALL)');
};

const insertSql = (rows: number): string => {
  const values = Array.from(
    { length: rows },
    (_, r) => `(${COLUMNS.map((_, c) => `$${r * COLUMNS.length + c + 1}`).join(', ')})`,
  );
  return `INSERT INTO bench_raw_events (${COLUMNS.join(', ')}) VALUES ${values.join(', ')}`;
};

/**
 * The physical limit: the same event rows in an identical table, one autocommit INSERT per append,
 * with no version check and no command record.
 */
export const measureRawInsert = async (
  databaseUrl: string,
  concurrency: number,
  batchSize: number,
  timing: Timing,
): Promise<Cell> => {
  const pool = createPool(databaseUrl, concurrency);
  const sql = insertSql(batchSize);
  try {
    return await measure(concurrency, timing, () => {
      let stream = freshStream();
      return async () => {
        stream = withRoom(stream);
        const params = sessionMessages(stream, batchSize, randomUUID()).flatMap((event, i) => [
          stream.id,
          stream.version + i + 1,
          randomUUID(),
          event.type,
          1,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
        ]);
        await pool.query(sql, params);
        stream.version += batchSize;
      };
    });
  } finally {
    await pool.end();
  }
};
