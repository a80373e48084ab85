import { createPool } from '@agent-platform/infra';

/**
 * The event log as the suites that walk the API check it, read straight from the store's table: what a
 * refused or confined request must leave unchanged.
 */
const withPool = async <T>(databaseUrl: string, use: (pool: ReturnType<typeof createPool>) => Promise<T>): Promise<T> => {
  const pool = createPool(databaseUrl, 1);
  try {
    return await use(pool);
  } finally {
    await pool.end();
  }
};

export const streamsOf = (databaseUrl: string, workspace: string): Promise<string[]> =>
  withPool(databaseUrl, async (pool) => {
    const { rows } = await pool.query<{ stream_id: string }>(
      "SELECT DISTINCT stream_id FROM ap_events WHERE metadata->>'workspace_id' = $1 ORDER BY stream_id",
      [workspace],
    );
    return rows.map((r) => r.stream_id);
  });

/** A log's size and head: of one workspace's events, or of every event. */
export type LogHead = { count: number; head: number };

export const logHead = (databaseUrl: string, workspace?: string): Promise<LogHead> =>
  withPool(databaseUrl, async (pool) => {
    const { rows } = await pool.query<{ count: string; head: string | null }>(
      `SELECT count(*) AS count, max(global_position) AS head FROM ap_events ${workspace ? "WHERE metadata->>'workspace_id' = $1" : ''}`,
      workspace ? [workspace] : [],
    );
    return { count: Number(rows[0]!.count), head: Number(rows[0]!.head ?? 0) };
  });

/** Once nothing appends to the workspace's log any more: the processors' reactions to what it wrote have all been made. */
export const settled = async (databaseUrl: string, workspace: string): Promise<void> => {
  for (let last = -1; ; await new Promise((r) => setTimeout(r, 300))) {
    const { count } = await logHead(databaseUrl, workspace);
    if (count === last) return;
    last = count;
  }
};

/** How many events the given streams hold, whoever wrote them: another workspace's append shows here. */
export const eventsIn = (databaseUrl: string, streams: string[]): Promise<number> =>
  withPool(databaseUrl, async (pool) => {
    const { rows } = await pool.query<{ count: string }>('SELECT count(*) AS count FROM ap_events WHERE stream_id = ANY($1)', [streams]);
    return Number(rows[0]!.count);
  });

/** The events after `position`, with the request that appended each. */
export const eventsAfter = (databaseUrl: string, position: number): Promise<{ type: string; stream_id: string; request_id: string | null }[]> =>
  withPool(databaseUrl, async (pool) => {
    const { rows } = await pool.query<{ type: string; stream_id: string; request_id: string | null }>(
      "SELECT type, stream_id, metadata->>'request_id' AS request_id FROM ap_events WHERE global_position > $1 ORDER BY global_position",
      [position],
    );
    return rows;
  });
