import { randomBytes } from 'node:crypto';
import { dataKeyOf, newKeyId, newKeyMaterial, type DataKey } from '../dataKey.js';
import { DataKeyDestroyed } from '../errors.js';
import { keyringOf, unwrapKey, wrapKey, type Keyring, type WrappedKey } from '../masterKeys.js';
import { DataKeyRef, DataKeyScope, kindOf, NewDataKey, type DataKeys, type DestroyedKey } from '../port.js';
import { normalScopes, requireSameScopes } from '../scopes.js';

type Row = {
  workspaceId: string;
  subject: string;
  scopes: string[];
  keyId: string;
  stored: WrappedKey | undefined;
  destroyedAt: string | undefined;
};

export type InMemoryDataKeysOptions = { keyring?: Keyring; now?: () => Date };
export type InMemoryDataKeys = DataKeys & {
  keyring: Keyring;
  /** The same keys under another keyring, as a restart with rotated master keys would see them. */
  withKeyring: (keyring: Keyring) => InMemoryDataKeys;
};

/**
 * Data keys in a Map, wrapped under the keyring as PostgreSQL stores them, so specs that use it keep the
 * port's whole contract, master-key rotation included. Without a keyring it makes a random one.
 */
export const createInMemoryDataKeys = (options: InMemoryDataKeysOptions = {}): InMemoryDataKeys =>
  over(new Map(), options.keyring ?? keyringOf(randomBytes(32)), options.now ?? (() => new Date()));

const over = (rows: Map<string, Row>, keyring: Keyring, now: () => Date): InMemoryDataKeys => {
  const idOf = (ref: DataKeyRef) => JSON.stringify([ref.workspaceId, ref.subject]);
  const keyOf = (row: Row): DataKey => unwrapKey(keyring, row, row.stored!);
  const destroy = (row: Row): void => {
    row.stored = undefined;
    row.destroyedAt ??= now().toISOString();
  };

  return {
    keyring,
    withKeyring: (other) => over(rows, other, now),
    createKey: async (asked) => {
      const { workspaceId, subject, scopes } = NewDataKey.parse(asked);
      const existing = rows.get(idOf({ workspaceId, subject }));
      if (existing?.destroyedAt) throw new DataKeyDestroyed(workspaceId, subject);
      if (existing) {
        requireSameScopes(subject, existing.scopes, scopes);
        return keyOf(existing);
      }
      const key = dataKeyOf({ workspaceId, subject, keyId: newKeyId() }, newKeyMaterial());
      const row = { workspaceId, subject, scopes: normalScopes(scopes), keyId: key.keyId, stored: wrapKey(keyring, key), destroyedAt: undefined };
      rows.set(idOf(row), row);
      return key;
    },
    getKey: async (ref) => {
      const row = rows.get(idOf(DataKeyRef.parse(ref)));
      if (!row) return { state: 'unknown' };
      if (row.destroyedAt) return { state: 'destroyed', destroyedAt: row.destroyedAt };
      return { state: 'live', key: keyOf(row) };
    },
    destroyKey: async (asked) => {
      const ref = DataKeyRef.parse(asked);
      const row = rows.get(idOf(ref)) ?? { ...ref, scopes: [], keyId: newKeyId(), stored: undefined, destroyedAt: undefined };
      destroy(row);
      rows.set(idOf(row), row);
      return { destroyedAt: row.destroyedAt! };
    },
    destroyScope: async (asked) => {
      const { workspaceId, kind, scope } = DataKeyScope.parse(asked);
      const destroyed: DestroyedKey[] = [];
      for (const row of rows.values()) {
        if (row.workspaceId !== workspaceId || kindOf(row.subject) !== kind || !row.scopes.includes(scope) || row.destroyedAt) continue;
        destroy(row);
        destroyed.push({ subject: row.subject, destroyedAt: row.destroyedAt! });
      }
      return { destroyed: destroyed.sort((a, b) => a.subject.localeCompare(b.subject)) };
    },
    rewrapKeys: async () => {
      let rewrapped = 0;
      for (const row of rows.values()) {
        if (!row.stored || row.stored.kekId === keyring.current.id) continue;
        row.stored = wrapKey(keyring, keyOf(row));
        rewrapped += 1;
      }
      return { rewrapped };
    },
  };
};
