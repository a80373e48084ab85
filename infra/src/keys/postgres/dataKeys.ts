import type { Queryable } from '../../db/postgres.js';
import { dataKeyOf, newKeyId, newKeyMaterial, type DataKey } from '../dataKey.js';
import { DataKeyDestroyed } from '../errors.js';
import { unwrapKey, wrapKey, type Keyring } from '../masterKeys.js';
import { DataKeyRef, DataKeyScope, NewDataKey, type DataKeys, type KeyLookup } from '../port.js';
import { normalScopes, requireSameScopes } from '../scopes.js';
import { destroyKey } from './destroyKey.js';
import { destroyScope } from './destroyScope.js';
import { insertKey } from './insertKey.js';
import { readKey } from './readKey.js';
import { readKeysToRewrap, saveRewrappedKeys } from './rewrapKeys.js';
import type { DataKeyRow } from './rows.js';

export type PostgresDataKeysOptions = { db: Queryable; keyring: Keyring };

const lookupOf = (keyring: Keyring, row: DataKeyRow | undefined): KeyLookup => {
  if (!row) return { state: 'unknown' };
  if (row.destroyed_at) return { state: 'destroyed', destroyedAt: row.destroyed_at.toISOString() };
  return { state: 'live', key: keyOf(keyring, row) };
};

const keyOf = (keyring: Keyring, row: DataKeyRow): DataKey =>
  unwrapKey(
    keyring,
    { workspaceId: row.workspace_id, subject: row.subject, keyId: row.key_id },
    { kekId: row.kek_id!, wrapped: row.wrapped_key! },
  );

/** Data keys in `ap_data_keys` (migration `0100_data_keys`). Every call is one statement, or a few without a transaction. */
export const createPostgresDataKeys = ({ db, keyring }: PostgresDataKeysOptions): DataKeys => ({
  createKey: async (asked) => {
    const { workspaceId, subject, scopes } = NewDataKey.parse(asked);
    // Of two creates at once one inserts and the other reads its row; a row that vanished was a rolled-back insert: try again.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const key = dataKeyOf({ workspaceId, subject, keyId: newKeyId() }, newKeyMaterial());
      const { kekId, wrapped } = wrapKey(keyring, key);
      const inserted = await insertKey(db, { workspaceId, subject, scopes: normalScopes(scopes), keyId: key.keyId, kekId, wrapped });
      if (inserted) return key;
      const existing = await readKey(db, { workspaceId, subject });
      if (!existing) continue;
      if (existing.destroyed_at) throw new DataKeyDestroyed(workspaceId, subject);
      requireSameScopes(subject, existing.scopes, scopes);
      return keyOf(keyring, existing);
    }
    throw new Error(`the data key of ${subject} could neither be inserted nor read`);
  },
  getKey: async (ref) => lookupOf(keyring, await readKey(db, DataKeyRef.parse(ref))),
  destroyKey: async (ref) => ({ destroyedAt: (await destroyKey(db, DataKeyRef.parse(ref), newKeyId())).toISOString() }),
  destroyScope: async (scope) => ({ destroyed: await destroyScope(db, DataKeyScope.parse(scope)) }),
  rewrapKeys: async ({ batchSize = 500 } = {}) => {
    let rewrapped = 0;
    for (;;) {
      const rows = await readKeysToRewrap(db, keyring.current.id, batchSize);
      if (rows.length === 0) return { rewrapped };
      const keys = rows.map((row) => ({
        workspaceId: row.workspace_id,
        subject: row.subject,
        fromKekId: row.kek_id!,
        ...wrapKey(keyring, keyOf(keyring, row)),
      }));
      rewrapped += await saveRewrappedKeys(db, keys);
    }
  },
});
