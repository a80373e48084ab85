import pg from 'pg';
import knexFactory, { type Knex } from 'knex';

// Positions are bigint in SQL and stay far below 2^53, so they are read as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

// The conversion node-postgres applies to every value it binds; its typings leave `utils` out.
const { prepareValue } = (pg as unknown as { utils: { prepareValue: (value: unknown) => unknown } }).utils;

export type { Knex };
export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that can run a query: a pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/**
 * Clients are in pipeline mode: queries issued without awaiting the one before go to the server at once,
 * so `pipelinedTransaction` costs one round trip. Queries awaited one by one behave as without it.
 */
export const createPool = (connectionString: string, max = 20): pg.Pool => {
  const pool = new pg.Pool({ connectionString, max, application_name: 'agent-platform', pipeline: true });
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

/**
 * A statement with `$n` placeholders and its values, as node-postgres takes it. With a `name`, each
 * connection parses and plans it once and runs it prepared after that: give one only to statements
 * whose text comes from a fixed set, since every connection keeps each name it saw.
 */
export type Statement = { text: string; values: readonly unknown[]; name?: string };

/**
 * Runs statements in one transaction and one round trip: BEGIN, the statements and COMMIT are written
 * together, without waiting for each answer. A statement that fails makes the server ignore the rest,
 * and turns the COMMIT into a rollback; its error is thrown.
 *
 * Every value is converted before anything is written: a value that fails to convert after BEGIN went
 * out would leave its statement unsent while the COMMIT still committed the others.
 */
export const pipelinedTransaction = async (pool: pg.Pool, statements: readonly Statement[]): Promise<void> => {
  const prepared = statements.map((s) => ({ ...s, values: s.values.map((v) => prepareValue(v)) }));
  const client = await pool.connect();
  // node-postgres writes each query to the socket as it is issued; corked, the transaction leaves in one write.
  const socket = client.connection.stream;
  socket.cork();
  let sent: Promise<unknown>[];
  try {
    sent = [client.query('BEGIN'), ...prepared.map((s) => client.query(s as pg.QueryConfig)), client.query('COMMIT')];
  } finally {
    socket.uncork();
  }
  // Every answer is awaited before the client goes back: a client with answers still due is not reusable.
  const settled = await Promise.allSettled(sent);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  // A COMMIT that did not answer leaves the connection in an unknown state: it is closed, not reused.
  client.release(settled.at(-1)!.status === 'rejected' ? (failed!.reason as Error) : undefined);
  if (failed) throw failed.reason;
};

export const PG_UNIQUE_VIOLATION = '23505';
export const isPgError = (error: unknown, code: string): error is pg.DatabaseError =>
  error instanceof Error && (error as pg.DatabaseError).code === code;

/**
 * SQLSTATE classes that say nothing about the statement itself: a lost connection (08), a deadlock or
 * serialization failure (40), the server short of resources (53), an operator's shutdown or cancel (57),
 * a system error (58).
 */
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '57', '58']);
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * PostgreSQL answered and refused the statement for what it says (a constraint, a type, an undefined
 * column, a division by zero): run again on the same data, it fails the same way. An unreachable server,
 * a dropped connection, a deadlock, a shutdown or a lock timeout is not such a refusal, whatever it hit.
 */
export const isRefusedStatement = (error: unknown): boolean =>
  error instanceof pg.DatabaseError &&
  typeof error.code === 'string' &&
  !TRANSIENT_CLASSES.has(error.code.slice(0, 2)) &&
  error.code !== LOCK_NOT_AVAILABLE;
