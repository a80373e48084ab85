import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createKnex, createPool, type Pool } from '../../db/postgres.js';
import { migrateToLatest } from '../../db/migrations.js';
import { eventStoreMigrations } from '../../event-store/postgres/schema.js';
import { describeOnEachPostgres } from '../../testing/mocha.js';
import { dataKeysContract } from '../dataKeys.contract.js';
import { DataKeyCorrupt } from '../errors.js';
import { keyringOf } from '../masterKeys.js';
import { createPostgresDataKeys } from './dataKeys.js';

describeOnEachPostgres('PostgreSQL data keys', ({ db }) => {
  let pool: Pool;
  before(async () => {
    const knex = createKnex(db().url);
    await migrateToLatest(knex, [eventStoreMigrations]);
    await knex.destroy();
    pool = createPool(db().url, 5);
  });
  after(async () => {
    await pool?.end();
  });

  // Re-wrapping takes every key in the table: each case starts from an empty one.
  dataKeysContract(async ({ keyring }) => {
    await pool.query('TRUNCATE ap_data_keys');
    return {
      keys: createPostgresDataKeys({ db: pool, keyring }),
      reopen: (other) => createPostgresDataKeys({ db: pool, keyring: other }),
      teardown: async () => undefined,
    };
  });

  it('refuses a wrapped key copied onto another subject’s row, as an attacker with write access to the table would', async () => {
    // The wrapping is bound to its row (workspace, subject, key id): moved, it no longer unwraps.
    const keys = createPostgresDataKeys({ db: pool, keyring: keyringOf(randomBytes(32)) });
    const from = { workspaceId: 'w', subject: `memory:${randomUUID()}` };
    const to = { workspaceId: 'w', subject: `memory:${randomUUID()}` };
    await keys.createKey({ ...from, scopes: [] });
    await keys.createKey({ ...to, scopes: [] });
    await pool.query(
      `UPDATE ap_data_keys t SET wrapped_key = f.wrapped_key, kek_id = f.kek_id FROM ap_data_keys f
       WHERE f.workspace_id = $1 AND f.subject = $2 AND t.workspace_id = $3 AND t.subject = $4`,
      [from.workspaceId, from.subject, to.workspaceId, to.subject],
    );
    expect(await keys.getKey(to).then(() => undefined, (error: unknown) => error)).to.be.instanceOf(DataKeyCorrupt);
  });

  it('keeps no key material in a tombstone: the row says destroyed and holds NULLs', async () => {
    // The destroy and the overwrite are one statement, and the table's CHECK refuses a tombstone with a key.
    const keys = createPostgresDataKeys({ db: pool, keyring: keyringOf(randomBytes(32)) });
    await keys.createKey({ workspaceId: 'w', subject: 'memory:tomb', scopes: ['user:u1'] });
    await keys.destroyKey({ workspaceId: 'w', subject: 'memory:tomb' });
    const { rows } = await pool.query(`SELECT kek_id, wrapped_key, destroyed_at FROM ap_data_keys WHERE subject = 'memory:tomb'`);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ kek_id: null, wrapped_key: null });
    expect(rows[0].destroyed_at).to.be.instanceOf(Date);
    const refused = await pool
      .query(`UPDATE ap_data_keys SET wrapped_key = '\\x00' WHERE subject = 'memory:tomb'`)
      .then(() => undefined, (error: unknown) => error);
    expect(refused).to.have.property('code', '23514');
  });
});
