import pg from 'pg';
import knexFactory, { type Knex } from 'knex';

// Positions are bigint in SQL and stay far below 2^53, so they are read as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export type { Knex };
export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that can run a query: a pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export const createPool = (connectionString: string, max = 20): pg.Pool => {
  const pool = new pg.Pool({ connectionString, max, application_name: 'agent-platform' });
  // An idle client that loses its server must not crash the process; the next checkout reconnects.
  pool.on('error', () => undefined);
  return pool;
};

export const createKnex = (connectionString: string, max = 10): Knex =>
  knexFactory({ client: 'pg', connection: { connectionString, application_name: 'agent-platform' }, pool: { min: 0, max } });

export const withTransaction = async <T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
};

export const PG_UNIQUE_VIOLATION = '23505';
export const isPgError = (error: unknown, code: string): error is pg.DatabaseError =>
  error instanceof Error && (error as pg.DatabaseError).code === code;
