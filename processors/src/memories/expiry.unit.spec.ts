import { expect } from 'chai';
import { memoryDecider, sendCommand, writeMemory } from '@agent-platform/command-api/commands';
import { createInMemoryDataKeys, createLocalEmbeddingProvider, type DataKeys } from '@agent-platform/infra';
import { createInMemoryEventStore } from '@agent-platform/infra/testing';
import { expireDueMemories } from './expiry.js';

const M = '51111111-1111-4111-8111-111111111111';
const WS = 'ws-1';
const NOW = new Date('2026-12-06T12:00:00.000Z');
const context = { workspaceId: WS };
const subject = { workspaceId: WS, subject: `memory:${M}` };

describe('the memory expiry sweep', () => {
  /** A memory written with `expires_at`, and a sweep over it as the read model would list it (due, whatever the stream says). */
  const given = async (expires_at: string, wrap: (keys: DataKeys, store: ReturnType<typeof createInMemoryEventStore>) => DataKeys = (keys) => keys) => {
    const store = createInMemoryEventStore();
    const keys = createInMemoryDataKeys();
    const body = { scope_type: 'user', scope_id: 'u1', memory_type: 'fact', content_text: 'Hides the key under the mat.', importance_score: 50, metadata_json: {}, expires_at } as const;
    await writeMemory({ dataKeys: keys, embeddings: createLocalEmbeddingProvider() }, { workspaceId: WS, memoryId: M, body, provenance: null }, (stream, command) =>
      sendCommand(store, memoryDecider, stream, command, context, { newStream: true }),
    );
    const sweep = () => expireDueMemories({ store, dataKeys: wrap(keys, store), due: async () => [{ workspace_id: WS, id: M }] }, NOW);
    const types = async () => (await store.readStream(`memory-${M}`)).map((e) => e.type);
    return { store, keys, sweep, types };
  };

  it('destroys the key of a memory past its expiry, then records MemoryExpired', async () => {
    const { keys, sweep, types, store } = await given('2026-12-06T11:59:00.000Z');
    expect(await sweep()).to.equal(1);
    expect((await keys.getKey(subject)).state).to.equal('destroyed');
    expect(await types()).to.deep.equal(['MemoryWritten', 'MemoryExpired']);
    expect((await store.readStream(`memory-${M}`))[1]!.data).to.deep.equal({ memory_id: M, expires_at: '2026-12-06T11:59:00.000Z' });
  });

  it('leaves a memory the read model lists but whose stream says it is not due (its expiry moved): key live, nothing recorded', async () => {
    const { keys, sweep, types, store } = await given('2026-12-06T11:59:00.000Z');
    await sendCommand(store, memoryDecider, `memory-${M}`, { type: 'UpdateMemory', data: { memory_id: M, workspace_id: WS, expires_at: '2026-12-07T00:00:00.000Z' } }, context);
    expect(await sweep()).to.equal(0);
    expect((await keys.getKey(subject)).state).to.equal('live');
    expect(await types()).to.deep.equal(['MemoryWritten', 'MemoryUpdated']);
  });

  it('expires a memory once when two sweeps race, and not again on the next sweep', async () => {
    const { sweep, types } = await given('2026-12-06T11:59:00.000Z');
    const erased = await Promise.all([sweep(), sweep()]);
    expect(erased.reduce((a, b) => a + b)).to.equal(1);
    expect(await sweep()).to.equal(0);
    expect(await types()).to.deep.equal(['MemoryWritten', 'MemoryExpired']);
  });

  it('records the memory forgotten when its expiry moved between the decision and the destroy: the key is gone, the log must say so', async () => {
    // The update lands while the key is being destroyed.
    const { keys, sweep, types } = await given('2026-12-06T11:59:00.000Z', (inner, store) => ({
      ...inner,
      destroyKey: async (ref) => {
        await sendCommand(store, memoryDecider, `memory-${M}`, { type: 'UpdateMemory', data: { memory_id: M, workspace_id: WS, expires_at: null } }, context);
        return inner.destroyKey(ref);
      },
    }));
    expect(await sweep()).to.equal(1);
    expect((await keys.getKey(subject)).state).to.equal('destroyed');
    expect(await types()).to.deep.equal(['MemoryWritten', 'MemoryUpdated', 'MemoryForgotten']);
  });
});
