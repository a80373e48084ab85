import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../db/embedded.js';

/** A PostgreSQL server the test suites run against; `adminUrl` undefined means it is absent here. */
export type PostgresTarget = { name: string; adminUrl: () => Promise<string>; absent?: string };

/**
 * The process's one shared server, held on `globalThis` rather than in this module: the test loader may load
 * this file as two module instances (a spec importing `@agent-platform/infra/testing` and one importing
 * `../testing/…` each got their own), and a second server started on the same directory stopped the first,
 * named by its postmaster.pid, under every suite that held the first one's URL.
 */
const shared = ((globalThis as Record<symbol, unknown>)[Symbol.for('agent-platform.test.embedded-database')] ??= {}) as { embedded?: Promise<EmbeddedDatabase> };
const embeddedDir = path.join(os.tmpdir(), `agent-platform-test-${process.pid}`);

/** One embedded server per test process, on a free port in a temporary directory. */
export const sharedEmbeddedDatabase = (): Promise<EmbeddedDatabase> => {
  shared.embedded ??= startEmbeddedDatabase({ dataDir: embeddedDir, port: 0 });
  return shared.embedded;
};

/** Stops the shared server and removes its directory; the root hook calls it once all suites ran. */
export const stopSharedEmbeddedDatabase = async (): Promise<void> => {
  if (!shared.embedded) return;
  const started = shared.embedded;
  delete shared.embedded;
  await (await started).stop();
  await fs.rm(embeddedDir, { recursive: true, force: true });
};

/**
 * The servers to run PostgreSQL suites against: the external server named by
 * AGENT_PLATFORM_TEST_DATABASE_URL (CI's PostgreSQL 15) and the embedded server.
 * Without the variable the external target is reported pending, except in CI, where it must run.
 */
export const postgresTargets = (): PostgresTarget[] => {
  const external = process.env.AGENT_PLATFORM_TEST_DATABASE_URL;
  return [
    external
      ? { name: 'postgresql (AGENT_PLATFORM_TEST_DATABASE_URL)', adminUrl: async () => external }
      : {
          name: 'postgresql (AGENT_PLATFORM_TEST_DATABASE_URL)',
          adminUrl: async () => {
            throw new Error('AGENT_PLATFORM_TEST_DATABASE_URL is not set');
          },
          absent: 'AGENT_PLATFORM_TEST_DATABASE_URL is not set',
        },
    { name: 'embedded', adminUrl: async () => (await sharedEmbeddedDatabase()).adminUrl },
  ];
};

/** Whether a missing server fails the run (CI) or marks its suites pending (a laptop without it). */
export const mustRunEverySuite = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

export type TestDatabase = { url: string; drop: () => Promise<void> };

/** A fresh database on the target server, dropped by `drop`; suites never share state. */
export const createTestDatabase = async (adminUrl: string): Promise<TestDatabase> => {
  const name = `ap_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
};
