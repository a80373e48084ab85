import { randomUUID } from 'node:crypto';
import { createInMemoryDataKeys, sealContent } from '@agent-platform/infra';
import { describeProjection, SPEC_TIME } from '../testing/projectionSpecification.js';
import { knowledgeProjection } from './module.js';

const B = '31111111-1111-4111-8111-111111111111';
const D1 = '32222222-2222-4222-8222-222222222222';
const D2 = '33333333-3333-4333-8333-333333333333';
const dataKeys = createInMemoryDataKeys();
const keyOf = (workspace: string, id: string) => dataKeys.createKey({ workspaceId: workspace, subject: `document:${id}`, scopes: [`kb:${B}`] });
const content = (title: string) => ({ title, content_text: `${title}: refunds within seven days.`, metadata_json: { team: 'billing' } });
const at = (workspace: string) => ({ metadata: { workspace_id: workspace } });

const baseCreated = {
  type: 'KnowledgeBaseCreated',
  data: { knowledge_base_id: B, code: 'support_kb', name: 'Support', description: null, embedding: { provider: 'local', model: 'm', dimension: 2 }, chunk_size: 800, chunk_overlap: 100 },
  ...at('ws-1'),
};
/** A document added in `workspace`, its content sealed under its own key. */
const added = async (id: string, title: string, workspace = 'ws-1') => ({
  type: 'DocumentAdded',
  data: { document_id: id, knowledge_base_id: B, source_type: 'text', content: sealContent(await keyOf(workspace, id), content(title)) },
  ...at(workspace),
});
const document = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  workspace_id: 'ws-1',
  knowledge_base_id: B,
  title: 'Refund Policy',
  source_type: 'text',
  metadata_json: { team: 'billing' },
  status: 'pending',
  chunk_count: null,
  embedding_used: null,
  error: null,
  created_time: new Date(SPEC_TIME),
  ...extra,
});
const USED = { provider: 'openai-compatible', model: 'text-embedding-3-small' };
const documents = (rows: Record<string, unknown>[]) => ({ table: 'rm_knowledge_documents', rows });

describeProjection(
  'knowledge projection',
  knowledgeProjection,
  (spec) => {
    it('records a base with the embedding it was made with', () =>
      spec({
        when: [baseCreated],
        then: {
          table: 'rm_knowledge_bases',
          rows: [{ id: B, workspace_id: 'ws-1', code: 'support_kb', name: 'Support', description: null, embedding: { provider: 'local', model: 'm', dimension: 2 }, chunk_size: 800, chunk_overlap: 100 }],
        },
      }));

    it('opens an added document with its key: its title and metadata, pending at its revision', async () =>
      spec({ given: [baseCreated], when: [await added(D1, 'Refund Policy')], then: documents([document(D1, { revision: 2 })]) }));

    it('writes no row for a document whose key was destroyed before it was projected (a rebuild after deleting)', async () => {
      const id = randomUUID();
      const event = await added(id, 'Vault');
      await dataKeys.destroyKey({ workspaceId: 'ws-1', subject: `document:${id}` });
      await spec({ when: [event], then: documents([]) });
    });

    it('takes the outcome of the revision it waits for, and not a stale one', async () =>
      spec({
        given: [baseCreated, await added(D1, 'Refund Policy'), await added(D2, 'Refund Policy')],
        when: [
          { type: 'DocumentIndexed', data: { document_id: D1, revision: 2, chunk_count: 4, embedding_used: USED }, ...at('ws-1') },
          { type: 'DocumentIndexFailed', data: { document_id: D2, revision: 1, error: 'stale' }, ...at('ws-1') },
          { type: 'DocumentIndexFailed', data: { document_id: D2, revision: 3, error: 'ProviderError: down' }, ...at('ws-1') },
        ],
        then: documents([document(D1, { status: 'indexed', chunk_count: 4, embedding_used: USED }), document(D2, { status: 'failed', error: 'ProviderError: down' })]),
      }));

    it('records the embedding of an indexed document, and none for one indexed at version 1, which did not say', async () =>
      spec({
        given: [baseCreated, await added(D1, 'Refund Policy'), await added(D2, 'Refund Policy')],
        when: [
          { type: 'DocumentIndexed', data: { document_id: D1, revision: 2, chunk_count: 4, embedding_used: USED }, ...at('ws-1') },
          { type: 'DocumentIndexed', schema_version: 1, data: { document_id: D2, revision: 3, chunk_count: 2 }, ...at('ws-1') },
        ],
        then: documents([document(D1, { status: 'indexed', chunk_count: 4, embedding_used: USED }), document(D2, { status: 'indexed', chunk_count: 2, embedding_used: null })]),
      }));

    it('puts a changed or re-indexed document back to pending at the new revision', async () => {
      const key = await keyOf('ws-1', D1);
      await spec({
        given: [baseCreated, await added(D1, 'Refund Policy'), { type: 'DocumentIndexed', data: { document_id: D1, revision: 2, chunk_count: 1, embedding_used: USED }, ...at('ws-1') }],
        when: [
          { type: 'DocumentUpdated', data: { document_id: D1, source_type: 'markdown', content: sealContent(key, content('Returns')) }, ...at('ws-1') },
          { type: 'DocumentReindexRequested', data: { document_id: D1 }, ...at('ws-1') },
        ],
        then: documents([document(D1, { title: 'Returns', source_type: 'markdown', revision: 5 })]),
      });
    });

    it("deletes a document's row, only in its workspace (its chunks: chunks.int.spec.ts)", async () =>
      spec({
        given: [baseCreated, await added(D1, 'Refund Policy'), await added(D2, 'Refund Policy', 'ws-2')],
        when: [
          { type: 'DocumentDeleted', data: { document_id: D2 }, ...at('ws-1') },
          { type: 'DocumentDeleted', data: { document_id: D1 }, ...at('ws-1') },
        ],
        then: documents([{ id: D2 }]),
      }));

    it('deletes a base with every document of it, only in its workspace', async () => {
      const other = randomUUID();
      await spec({
        given: [baseCreated, await added(D1, 'Refund Policy'), { ...(await added(D2, 'Refund Policy')), data: { ...(await added(D2, 'Refund Policy')).data, knowledge_base_id: other } }],
        when: [
          { type: 'KnowledgeBaseDeleted', data: { knowledge_base_id: B }, ...at('ws-2') },
          { type: 'KnowledgeBaseDeleted', data: { knowledge_base_id: B }, ...at('ws-1') },
        ],
        then: [documents([{ id: D2 }]), { table: 'rm_knowledge_bases', rows: [] }],
      });
    });
  },
  { dataKeys },
);
