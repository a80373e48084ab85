import type { Context } from 'mocha';
import { createTestDatabase, mustRunEverySuite, postgresTargets, type TestDatabase } from './databases.js';

export type DatabaseFixture = { db: () => TestDatabase };

/**
 * Declares `body` once per PostgreSQL target, each on its own fresh database.
 * An absent server marks the suite pending, except in CI, where it fails.
 */
export const describeOnEachPostgres = (title: string, body: (fixture: DatabaseFixture, target: string) => void): void => {
  for (const target of postgresTargets()) {
    describe(`${title} [${target.name}]`, function () {
      this.timeout(60_000);
      let database: TestDatabase | undefined;
      before(async function (this: Context) {
        if (target.absent && !mustRunEverySuite()) this.skip();
        database = await createTestDatabase(await target.adminUrl());
      });
      after(async () => {
        await database?.drop();
      });
      body(
        {
          db: () => {
            if (!database) throw new Error('the test database is not ready');
            return database;
          },
        },
        target.name,
      );
    });
  }
};
