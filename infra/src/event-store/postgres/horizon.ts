import type { Queryable } from '../../db/postgres.js';

/**
 * Age in seconds of the oldest transaction on the server that holds a transaction id. Log readers
 * cannot pass it (see readAll.ts), so this is the first number to look at when projections stall.
 */
export const oldestOpenTransactionSeconds = async (db: Queryable): Promise<number> => {
  const { rows } = await db.query(
    `SELECT coalesce(extract(epoch FROM max(clock_timestamp() - xact_start)), 0)::float8 AS age
     FROM pg_stat_activity WHERE backend_xid IS NOT NULL`,
  );
  return rows[0].age;
};
