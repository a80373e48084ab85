import type { Knex } from 'knex';

export type Migration = { name: string; up: (knex: Knex) => Promise<void>; down: (knex: Knex) => Promise<void> };

/** A set of migrations with its own bookkeeping table, so each package owns its schema. */
export type MigrationSet = { tableName: string; migrations: readonly Migration[] };

const sourceOf = (set: MigrationSet): Knex.MigrationSource<Migration> => ({
  getMigrations: async () => [...set.migrations],
  getMigrationName: (m) => m.name,
  getMigration: async (m) => ({ up: m.up, down: m.down }),
});

export const migrateToLatest = async (knex: Knex, sets: readonly MigrationSet[]): Promise<string[]> => {
  const applied: string[] = [];
  for (const set of sets) {
    const [, names] = (await knex.migrate.latest({ migrationSource: sourceOf(set), tableName: set.tableName })) as [
      number,
      string[],
    ];
    applied.push(...names);
  }
  return applied;
};

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
