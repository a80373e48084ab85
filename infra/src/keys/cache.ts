import type { DataKeyRef, DataKeys, KeyLookup } from './port.js';

export type DataKeyCacheOptions = {
  /** How long a live key is served from memory without asking the store; see the bound below. */
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
};

type Entry = { lookup: KeyLookup; until: number };

/**
 * Keeps keys a process read, so a projector replaying a stream does not fetch its key once per event.
 *
 * In this process a destroy is seen at once: it leaves a destroyed entry, and a read that was in flight
 * while the key was destroyed cannot put the live key back over it. Another process learns of a destroy
 * only from the store, so it may serve a destroyed key from its own cache for up to `ttlMs` after the
 * destroy; a tombstone is final, so destroyed entries are kept until evicted. Unknown subjects are not
 * kept: another process may make their key at any moment.
 */
export const cacheDataKeys = (inner: DataKeys, { ttlMs, maxEntries = 10_000, now = Date.now }: DataKeyCacheOptions): DataKeys => {
  const entries = new Map<string, Entry>();
  const idOf = (ref: DataKeyRef) => JSON.stringify([ref.workspaceId, ref.subject]);
  const remember = (id: string, lookup: KeyLookup): void => {
    if (lookup.state === 'unknown') return;
    if (lookup.state === 'live' && entries.get(id)?.lookup.state === 'destroyed') return;
    entries.delete(id); // re-inserted last: the Map's order is the eviction order
    entries.set(id, { lookup, until: lookup.state === 'live' ? now() + ttlMs : Infinity });
    for (const oldest of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(oldest);
    }
  };
  const fresh = (id: string): KeyLookup | undefined => {
    const entry = entries.get(id);
    if (entry && entry.until > now()) return entry.lookup;
    entries.delete(id);
    return undefined;
  };

  return {
    createKey: async (key) => {
      const created = await inner.createKey(key);
      remember(idOf(key), { state: 'live', key: created });
      return created;
    },
    getKey: async (ref) => {
      const id = idOf(ref);
      const cached = fresh(id);
      if (cached) return cached;
      const lookup = await inner.getKey(ref);
      remember(id, lookup);
      return lookup;
    },
    destroyKey: async (ref) => {
      const destroyed = await inner.destroyKey(ref);
      remember(idOf(ref), { state: 'destroyed', destroyedAt: destroyed.destroyedAt });
      return destroyed;
    },
    destroyScope: async (scope) => {
      const result = await inner.destroyScope(scope);
      for (const { subject, destroyedAt } of result.destroyed) {
        remember(idOf({ workspaceId: scope.workspaceId, subject }), { state: 'destroyed', destroyedAt });
      }
      return result;
    },
    rewrapKeys: (options) => inner.rewrapKeys(options),
  };
};
