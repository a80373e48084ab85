import type { Knex } from 'knex';

export type Migration = { name: string; up: (knex: Knex) => Promise<void>; down: (knex: Knex) => Promise<void> };

/** A set of migrations with its own bookkeeping table, so each package owns its schema. */
export type MigrationSet = { tableName: string; migrations: readonly Migration[] };

const sourceOf = (set: MigrationSet): Knex.MigrationSource<Migration> => ({
  getMigrations: async () => [...set.migrations],
  getMigrationName: (m) => m.name,
  getMigration: async (m) => ({ up: m.up, down: m.down }),
});

/** Any fixed 64-bit number; every process of the platform migrates under this advisory lock. */
const MIGRATION_LOCK = 7_316_402_591_173_541;

/**
 * Applies pending migrations. Processes that start together on a database with pending migrations wait
 * for each other on an advisory lock: knex's own lock table is created and taken without one, so
 * concurrent starts crashed on it. The lock is a transaction's, so a killed holder frees it at once.
 * The lock holds one connection while knex migrates on another: the pool needs at least two.
 */
export const migrateToLatest = async (knex: Knex, sets: readonly MigrationSet[]): Promise<string[]> =>
  knex.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(?::bigint)', [MIGRATION_LOCK]);
    const applied: string[] = [];
    for (const set of sets) {
      const [, names] = (await knex.migrate.latest({ migrationSource: sourceOf(set), tableName: set.tableName })) as [
        number,
        string[],
      ];
      applied.push(...names);
    }
    return applied;
  });

/** Names of migrations not yet applied; empty when the schema is current. */
export const pendingMigrations = async (knex: Knex, sets: readonly MigrationSet[]): Promise<string[]> => {
  const pending: string[] = [];
  for (const set of sets) {
    const [, list] = (await knex.migrate.list({ migrationSource: sourceOf(set), tableName: set.tableName })) as [
      unknown,
      Migration[],
    ];
    pending.push(...list.map((m) => m.name));
  }
  return pending;
};
