import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createKnex, createPool, type Pool } from '../../db/postgres.js';
import { migrateToLatest } from '../../db/migrations.js';
import { eventStoreMigrations } from '../../event-store/postgres/schema.js';
import { describeOnEachPostgres } from '../../testing/mocha.js';
import { keyringOf } from '../masterKeys.js';
import { createPostgresDataKeys } from './dataKeys.js';
import { readKeysToRewrap, saveRewrappedKeys } from './rewrapKeys.js';

describeOnEachPostgres('re-wrapping data keys', ({ db }) => {
  let pool: Pool;
  before(async () => {
    const knex = createKnex(db().url);
    await migrateToLatest(knex, [eventStoreMigrations]);
    await knex.destroy();
    pool = createPool(db().url, 2);
  });
  after(async () => {
    await pool?.end();
  });

  it('leaves a key destroyed between its read and its save destroyed, with no key material', async () => {
    // Re-wrapping reads a batch, wraps it anew in the process, then saves: a forget in between must win.
    const old = keyringOf(randomBytes(32));
    const ref = { workspaceId: 'w', subject: 'memory:raced' };
    await createPostgresDataKeys({ db: pool, keyring: old }).createKey({ ...ref, scopes: [] });
    const next = keyringOf(randomBytes(32));
    const [row] = await readKeysToRewrap(pool, next.current.id, 10);
    await createPostgresDataKeys({ db: pool, keyring: old }).destroyKey(ref);

    const changed = await saveRewrappedKeys(pool, [
      { workspaceId: row!.workspace_id, subject: row!.subject, fromKekId: row!.kek_id!, kekId: next.current.id, wrapped: randomBytes(60) },
    ]);

    expect(changed).to.equal(0);
    const { rows } = await pool.query('SELECT kek_id, wrapped_key FROM ap_data_keys WHERE subject = $1', [ref.subject]);
    expect(rows[0]).to.deep.equal({ kek_id: null, wrapped_key: null });
  });
});
