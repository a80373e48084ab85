import { ConflictError, NotFoundError, type KnowledgeEvent, type SealedContent } from '@agent-platform/contracts';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { knowledgeDecider } from './decider.js';

const B = '6a1c2f14-7d3e-4a61-9f0b-2c4d6e8fa1b3';
const D = '7b2d3e25-8e4f-4b72-8a1c-3d5e7f9ab2c4';
const sealed: SealedContent = { alg: 'A256GCM', key_id: 'k1', iv: 'aXY=', ct: 'Y3Q=', tag: 'dGFn' };
const spec = deciderSpecification(knowledgeDecider);

const created: KnowledgeEvent = {
  type: 'KnowledgeBaseCreated',
  data: { knowledge_base_id: B, code: 'support_kb', name: 'Support', description: null, embedding: { provider: 'local', model: 'm', dimension: 384 }, chunk_size: 800, chunk_overlap: 100 },
};
const added: KnowledgeEvent = { type: 'DocumentAdded', data: { document_id: D, knowledge_base_id: B, source_type: 'text', content: sealed } };
const updated: KnowledgeEvent = { type: 'DocumentUpdated', data: { document_id: D, content: sealed } };
const deleted: KnowledgeEvent = { type: 'DocumentDeleted', data: { document_id: D } };
const ids = (workspace_id = 'public') => ({ document_id: D, workspace_id });
const USED = { provider: 'local', model: 'local-hash-ngram-v1' };
const indexed = (revision: number) => ({ type: 'RecordDocumentIndexed', data: { ...ids(), revision, chunk_count: 3, embedding_used: USED } }) as const;

describe('knowledge decider', () => {
  describe('a base', () => {
    it('is created once: its code is taken in the workspace', () => {
      spec.given([]).when({ type: 'CreateKnowledgeBase', data: { ...created.data, workspace_id: 'public' } } as never).then([created]);
      spec.given([created]).when({ type: 'CreateKnowledgeBase', data: { ...created.data, workspace_id: 'public' } } as never).thenThrows(ConflictError, 'KNOWLEDGE_BASE_CODE_TAKEN');
    });
  });

  describe('a base deleted', () => {
    const deleteBase = (workspace_id = 'public') => ({ type: 'DeleteKnowledgeBase', data: { knowledge_base_id: B, workspace_id } }) as const;
    const baseDeleted: KnowledgeEvent = { type: 'KnowledgeBaseDeleted', data: { knowledge_base_id: B } };
    it('is deleted once, and only in its workspace', () => {
      spec.given([created]).when(deleteBase()).then([baseDeleted]);
      spec.given([created, baseDeleted]).when(deleteBase()).thenThrows(ConflictError, 'KNOWLEDGE_BASE_DELETED');
      spec.given([created]).when(deleteBase('ws-b')).thenThrows(NotFoundError, 'KNOWLEDGE_BASE_NOT_FOUND');
      spec.given([]).when(deleteBase()).thenThrows(NotFoundError, 'KNOWLEDGE_BASE_NOT_FOUND');
    });
    it('keeps its code taken: the id is derived from it', () =>
      spec.given([created, baseDeleted]).when({ type: 'CreateKnowledgeBase', data: { ...created.data, workspace_id: 'public' } } as never).thenThrows(ConflictError, 'KNOWLEDGE_BASE_CODE_TAKEN'));
  });

  describe('a document that does not exist', () => {
    it('is added', () => spec.given([]).when({ type: 'AddDocument', data: { ...added.data, workspace_id: 'public' } } as never).then([added]));
    it('is neither updated, deleted, re-indexed nor indexed', () => {
      spec.given([]).when({ type: 'UpdateDocument', data: ids() }).thenThrows(NotFoundError, 'DOCUMENT_NOT_FOUND');
      spec.given([]).when({ type: 'DeleteDocument', data: ids() }).thenThrows(NotFoundError, 'DOCUMENT_NOT_FOUND');
      spec.given([]).when({ type: 'RequestDocumentReindex', data: ids() }).thenThrows(NotFoundError, 'DOCUMENT_NOT_FOUND');
      spec.given([]).when(indexed(1)).thenThrows(NotFoundError, 'DOCUMENT_NOT_FOUND');
    });
    it('is not a base: a document id given as a base stream is not found', () =>
      spec.given([created]).when({ type: 'DeleteDocument', data: ids() }).thenThrows(NotFoundError, 'DOCUMENT_NOT_FOUND'));
  });

  describe('a document', () => {
    it('is not added twice', () => spec.given([added]).when({ type: 'AddDocument', data: { ...added.data, workspace_id: 'public' } } as never).thenThrows(ConflictError, 'DOCUMENT_EXISTS'));
    it('is updated, re-indexed and deleted', () => {
      spec.given([added]).when({ type: 'UpdateDocument', data: { ...ids(), content: sealed } }).then([updated]);
      spec.given([added]).when({ type: 'RequestDocumentReindex', data: ids() }).then([{ type: 'DocumentReindexRequested', data: { document_id: D } }]);
      spec.given([added]).when({ type: 'DeleteDocument', data: ids() }).then([deleted]);
    });
    it('is not found from another workspace', () => {
      spec.given([added]).when({ type: 'DeleteDocument', data: ids('ws-b') }).thenThrows(NotFoundError, 'DOCUMENT_NOT_FOUND');
      spec.given([added]).when({ type: 'UpdateDocument', data: ids('ws-b') }).thenThrows(NotFoundError, 'DOCUMENT_NOT_FOUND');
    });
    it('records the outcome of indexing its newest revision only', () => {
      spec.given([added]).when(indexed(1)).then([{ type: 'DocumentIndexed', data: { document_id: D, revision: 1, chunk_count: 3, embedding_used: USED } }]);
      spec.given([added]).when({ type: 'RecordDocumentIndexFailed', data: { ...ids(), revision: 1, error: 'boom' } }).then([
        { type: 'DocumentIndexFailed', data: { document_id: D, revision: 1, error: 'boom' } },
      ]);
      // The content changed at version 2: the outcome for version 1 is stale and recorded by nobody.
      spec.given([added, updated]).when(indexed(1)).then([]);
      spec.given([added, updated]).when(indexed(2)).then([{ type: 'DocumentIndexed', data: { document_id: D, revision: 2, chunk_count: 3, embedding_used: USED } }]);
      // A change of the source type alone keeps the revision.
      spec.given([added, { type: 'DocumentUpdated', data: { document_id: D, source_type: 'markdown' } }]).when(indexed(1)).then([
        { type: 'DocumentIndexed', data: { document_id: D, revision: 1, chunk_count: 3, embedding_used: USED } },
      ]);
    });
  });

  describe('a deleted document', () => {
    it('refuses every change and every outcome', () => {
      spec.given([added, deleted]).when({ type: 'DeleteDocument', data: ids() }).thenThrows(ConflictError, 'DOCUMENT_DELETED');
      spec.given([added, deleted]).when({ type: 'UpdateDocument', data: ids() }).thenThrows(ConflictError, 'DOCUMENT_DELETED');
      spec.given([added, deleted]).when(indexed(1)).thenThrows(ConflictError, 'DOCUMENT_DELETED');
    });
  });
});
