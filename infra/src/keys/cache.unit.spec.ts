import { expect } from 'chai';
import { cacheDataKeys } from './cache.js';
import { createInMemoryDataKeys } from './memory/dataKeys.js';
import type { DataKeys } from './port.js';

/** Counts the store's reads, so a spec can tell a cache hit from a miss. */
const counted = (inner: DataKeys) => {
  const reads = { count: 0 };
  const keys: DataKeys = {
    ...inner,
    getKey: (ref) => {
      reads.count += 1;
      return inner.getKey(ref);
    },
  };
  return { keys, reads };
};

const ref = { workspaceId: 'ws', subject: 'memory:m1' };

describe('cached data keys', () => {
  let clock: number;
  beforeEach(() => {
    clock = 0;
  });

  it('serves a live key from memory for ttlMs, then reads the store again', async () => {
    const { keys, reads } = counted(createInMemoryDataKeys());
    const cached = cacheDataKeys(keys, { ttlMs: 1000, now: () => clock });
    await keys.createKey({ ...ref, scopes: [] });
    await cached.getKey(ref);
    await cached.getKey(ref);
    expect(reads.count).to.equal(1);
    clock = 1001;
    await cached.getKey(ref);
    expect(reads.count).to.equal(2);
  });

  it('sees its own destroy at once, a scope destroy too', async () => {
    const cached = cacheDataKeys(createInMemoryDataKeys(), { ttlMs: 60_000, now: () => clock });
    const other = { workspaceId: 'ws', subject: 'memory:m2' };
    await cached.createKey({ ...ref, scopes: [] });
    await cached.createKey({ ...other, scopes: ['user:u1'] });
    await cached.getKey(ref);
    await cached.getKey(other);
    await cached.destroyKey(ref);
    await cached.destroyScope({ workspaceId: 'ws', kind: 'memory', scope: 'user:u1' });
    expect((await cached.getKey(ref)).state).to.equal('destroyed');
    expect((await cached.getKey(other)).state).to.equal('destroyed');
  });

  it('does not let a read that was in flight during a destroy put the live key back', async () => {
    const inner = createInMemoryDataKeys();
    await inner.createKey({ ...ref, scopes: [] });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: DataKeys = {
      ...inner,
      getKey: async (r) => {
        const lookup = await inner.getKey(r); // read before the destroy...
        await gate; // ...and answered after it
        return lookup;
      },
    };
    const cached = cacheDataKeys(slow, { ttlMs: 60_000, now: () => clock });
    const inFlight = cached.getKey(ref);
    await cached.destroyKey(ref);
    release();
    expect((await inFlight).state).to.equal('live');
    expect((await cached.getKey(ref)).state).to.equal('destroyed');
  });

  it('serves a key another process destroyed for at most ttlMs', async () => {
    const store = createInMemoryDataKeys();
    const here = cacheDataKeys(store, { ttlMs: 1000, now: () => clock });
    await here.createKey({ ...ref, scopes: [] });
    await store.destroyKey(ref); // another process, straight to the store
    clock = 1000;
    expect((await here.getKey(ref)).state).to.equal('destroyed');
  });

  it('does not keep an unknown subject: another process may make its key at any moment', async () => {
    const store = createInMemoryDataKeys();
    const cached = cacheDataKeys(store, { ttlMs: 60_000, now: () => clock });
    expect((await cached.getKey(ref)).state).to.equal('unknown');
    await store.createKey({ ...ref, scopes: [] });
    expect((await cached.getKey(ref)).state).to.equal('live');
  });

  it('keeps at most maxEntries, dropping the least recently stored', async () => {
    const { keys, reads } = counted(createInMemoryDataKeys());
    const cached = cacheDataKeys(keys, { ttlMs: 60_000, maxEntries: 2, now: () => clock });
    for (const n of [1, 2, 3]) await cached.createKey({ workspaceId: 'ws', subject: `memory:m${n}`, scopes: [] });
    await cached.getKey({ workspaceId: 'ws', subject: 'memory:m3' });
    expect(reads.count).to.equal(0);
    await cached.getKey({ workspaceId: 'ws', subject: 'memory:m1' });
    expect(reads.count).to.equal(1);
  });
});
