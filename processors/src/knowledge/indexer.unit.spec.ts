import { expect } from 'chai';
import { toEnvelope, type RecordedEvent } from '@agent-platform/contracts';
import { knowledgeDecider, sendCommand } from '@agent-platform/command-api/commands';
import { createInMemoryDataKeys, createLocalEmbeddingProvider, sealContent, type EmbeddingProvider, type Knex } from '@agent-platform/infra';
import { createInMemoryEventStore } from '@agent-platform/infra/testing';
import { contextFor } from '../runtime/run.js';
import { INDEX_ATTEMPTS, knowledgeIndexer } from './indexer.js';

const B = '41111111-1111-4111-8111-111111111111';
const D = '42222222-2222-4222-8222-222222222222';
const context = { workspaceId: 'ws-1' };

/** A provider that is down: every call fails, as a provider out of retries does; `calls` counts them. */
const down = { calls: 0 };
const downProvider: EmbeddingProvider = {
  ...createLocalEmbeddingProvider(),
  embed: () => {
    down.calls++;
    return Promise.reject(new Error('provider down'));
  },
};

describe('the knowledge indexer', () => {
  const setup = async () => {
    const store = createInMemoryEventStore();
    const dataKeys = createInMemoryDataKeys();
    const embedding = { provider: 'local', model: 'm', dimension: 2 };
    await sendCommand(store, knowledgeDecider, `knowledgebase-${B}`, { type: 'CreateKnowledgeBase', data: { knowledge_base_id: B, workspace_id: 'ws-1', code: 'kb', name: 'KB', description: null, embedding, chunk_size: 800, chunk_overlap: 100 } }, context);
    const key = await dataKeys.createKey({ workspaceId: 'ws-1', subject: `document:${D}`, scopes: [`kb:${B}`] });
    const content = sealContent(key, { title: 'Refund Policy', content_text: 'Refunds within seven days.', metadata_json: {} });
    await sendCommand(store, knowledgeDecider, `knowledgedocument-${D}`, { type: 'AddDocument', data: { document_id: D, workspace_id: 'ws-1', knowledge_base_id: B, source_type: 'text', content } }, context);
    const envelopeOf = async (version: number) => {
      const events = (await store.readStream(`knowledgedocument-${D}`)) as RecordedEvent[];
      return toEnvelope(events[version - 1]!, 'knowledgedocument');
    };
    // The failure path writes no chunks: no database is needed.
    const indexer = knowledgeIndexer({ store, knex: undefined as unknown as Knex, dataKeys, embeddings: downProvider });
    down.calls = 0;
    return { store, indexer, envelopeOf };
  };
  const types = async (store: ReturnType<typeof createInMemoryEventStore>) => (await store.readStream(`knowledgedocument-${D}`)).map((e) => e.type);

  it('retries a failing embedding, and records DocumentIndexFailed for the revision on the last attempt', async () => {
    const { store, indexer, envelopeOf } = await setup();
    const added = await envelopeOf(1);
    for (let attempt = 1; attempt < INDEX_ATTEMPTS; attempt++) {
      let thrown: unknown;
      await indexer.handle(added, contextFor(indexer, added, attempt)).catch((error: unknown) => (thrown = error));
      expect(thrown, `attempt ${attempt}`).to.be.instanceOf(Error);
    }
    expect(await types(store)).to.deep.equal(['DocumentAdded']);
    await indexer.handle(added, contextFor(indexer, added, INDEX_ATTEMPTS));
    const [, failed] = await store.readStream(`knowledgedocument-${D}`);
    expect(failed).to.deep.include({ type: 'DocumentIndexFailed', data: { document_id: D, revision: 1, error: 'Error: provider down' } });
    // Redelivered: the same outcome's idempotency key appends nothing more.
    await indexer.handle(added, contextFor(indexer, added, INDEX_ATTEMPTS));
    expect(await types(store)).to.deep.equal(['DocumentAdded', 'DocumentIndexFailed']);
  });

  it('skips a revision that is no longer the newest: the newer event is indexed instead', async () => {
    const { store, indexer, envelopeOf } = await setup();
    await sendCommand(store, knowledgeDecider, `knowledgedocument-${D}`, { type: 'RequestDocumentReindex', data: { document_id: D, workspace_id: 'ws-1' } }, context);
    const stale = await envelopeOf(1);
    await indexer.handle(stale, contextFor(indexer, stale, INDEX_ATTEMPTS));
    expect(down.calls, 'embedding calls for a stale revision').to.equal(0);
    expect(await types(store)).to.deep.equal(['DocumentAdded', 'DocumentReindexRequested']);
  });
});
