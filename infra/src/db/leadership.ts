import { createHash } from 'node:crypto';
import type pg from 'pg';

export type Leadership = { release: () => Promise<void>; lost: Promise<void> };

/** A 64-bit advisory-lock key derived from a name, so every process agrees on it. */
const lockKey = (name: string): string => createHash('sha256').update(name).digest().readBigInt64BE(0).toString();

/**
 * Holds a session-level advisory lock on a connection of its own while the holder works, so exactly one
 * process at a time does a given job. The lock dies with the connection: a killed holder's lock is free at once.
 * Returns undefined when another session holds it.
 */
export const tryLeadership = async (pool: pg.Pool, name: string): Promise<Leadership | undefined> => {
  const client = await pool.connect();
  let released = false;
  try {
    const { rows } = await client.query('SELECT pg_try_advisory_lock($1::bigint) AS ok', [lockKey(name)]);
    if (!rows[0].ok) {
      client.release();
      return undefined;
    }
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
  let broken: Error | undefined;
  // A killed backend makes the client emit more than one error: every one must find a listener.
  const lost = new Promise<void>((resolve) => {
    client.on('error', (error) => {
      broken ??= error;
      resolve();
    });
    client.once('end', () => resolve());
  });
  return {
    lost,
    release: async () => {
      if (released) return;
      released = true;
      if (broken) return client.release(broken);
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey(name)]).catch(() => undefined);
      client.release();
    },
  };
};
