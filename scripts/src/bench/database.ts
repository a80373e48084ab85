import { randomBytes } from 'node:crypto';
import { createKnex, eventStoreMigrations, migrateToLatest, type Pool } from '@agent-platform/infra';

export type BenchDatabase = { url: string; drop: () => Promise<void> };

/**
 * A throw-away database on the bench server, so runs never see each other's rows. It holds the
 * event store schema and `bench_raw_events`, a copy of ap_events (`LIKE ... INCLUDING ALL` takes
 * its defaults, identity, constraints and indexes) for the raw insert baseline.
 */
export const createBenchDatabase = async (admin: Pool, serverUrl: string): Promise<BenchDatabase> => {
  const name = `ap_bench_${randomBytes(6).toString('hex')}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const drop = async (): Promise<void> => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  // Two connections: migrateToLatest holds its advisory lock in a transaction while knex migrates on another.
  const knex = createKnex(url.href, 2);
  try {
    await migrateToLatest(knex, [eventStoreMigrations]);
    await knex.raw('CREATE TABLE bench_raw_events (LIKE ap_events INCLUDING ALL)');
  } catch (error) {
    await drop();
    throw error;
  } finally {
    await knex.destroy();
  }
  return { url: url.href, drop };
};
