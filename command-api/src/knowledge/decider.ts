import { ConflictError, NotFoundError, type KnowledgeCommand, type KnowledgeEvent } from '@agent-platform/contracts';
import type { Decider } from '../decider.js';

/**
 * A base's stream or a document's. Either exists only in its own workspace: to any other it is not found.
 * `version` counts the stream's events, so a document knows its `revision`: the version of the newest event
 * that asked for indexing (its content, or a re-index), the only one whose outcome is recorded.
 */
export type KnowledgeState =
  | { status: 'none'; version: number }
  | { status: 'base' | 'deleted base'; version: number; workspaceId: string }
  | { status: 'document' | 'deleted'; version: number; workspaceId: string; knowledgeBaseId: string; revision: number };

export const documentNotFound = (id: string) => new NotFoundError('DOCUMENT_NOT_FOUND', `document ${id} does not exist in this workspace`);

const liveDocument = (state: KnowledgeState, documentId: string, workspaceId: string) => {
  if ((state.status !== 'document' && state.status !== 'deleted') || state.workspaceId !== workspaceId) throw documentNotFound(documentId);
  if (state.status === 'deleted') throw new ConflictError('DOCUMENT_DELETED', `document ${documentId} is deleted`);
  return state;
};

const withoutWorkspace = <T extends { workspace_id: string }>({ workspace_id: _workspace, ...data }: T) => data;

export const knowledgeDecider: Decider<KnowledgeState, KnowledgeCommand, KnowledgeEvent> = {
  initialState: () => ({ status: 'none', version: 0 }),

  evolve: (state, event) => {
    const version = state.version + 1;
    switch (event.type) {
      case 'KnowledgeBaseCreated':
        return { status: 'base', version, workspaceId: event.metadata.workspace_id };
      case 'KnowledgeBaseDeleted':
        return state.status === 'base' ? { ...state, version, status: 'deleted base' } : { ...state, version };
      case 'DocumentAdded':
        return { status: 'document', version, workspaceId: event.metadata.workspace_id, knowledgeBaseId: event.data.knowledge_base_id, revision: version };
      case 'DocumentUpdated':
        if (state.status !== 'document') return { ...state, version };
        return { ...state, version, revision: event.data.content ? version : state.revision };
      case 'DocumentReindexRequested':
        return state.status === 'document' ? { ...state, version, revision: version } : { ...state, version };
      case 'DocumentDeleted':
        return state.status === 'document' ? { ...state, version, status: 'deleted' } : { ...state, version };
      case 'DocumentIndexed':
      case 'DocumentIndexFailed':
        return { ...state, version };
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'CreateKnowledgeBase':
        if (state.status !== 'none') throw new ConflictError('KNOWLEDGE_BASE_CODE_TAKEN', `a knowledge base with code ${command.data.code} exists in this workspace`);
        return [{ type: 'KnowledgeBaseCreated', data: withoutWorkspace(command.data) }];
      case 'DeleteKnowledgeBase':
        if ((state.status !== 'base' && state.status !== 'deleted base') || state.workspaceId !== command.data.workspace_id) {
          throw new NotFoundError('KNOWLEDGE_BASE_NOT_FOUND', `knowledge base ${command.data.knowledge_base_id} does not exist in this workspace`);
        }
        if (state.status === 'deleted base') throw new ConflictError('KNOWLEDGE_BASE_DELETED', `knowledge base ${command.data.knowledge_base_id} is deleted`);
        return [{ type: 'KnowledgeBaseDeleted', data: withoutWorkspace(command.data) }];
      case 'AddDocument':
        if (state.status !== 'none') throw new ConflictError('DOCUMENT_EXISTS', `document ${command.data.document_id} already exists`);
        return [{ type: 'DocumentAdded', data: withoutWorkspace(command.data) }];
      case 'UpdateDocument':
        liveDocument(state, command.data.document_id, command.data.workspace_id);
        return [{ type: 'DocumentUpdated', data: withoutWorkspace(command.data) }];
      case 'DeleteDocument':
        liveDocument(state, command.data.document_id, command.data.workspace_id);
        return [{ type: 'DocumentDeleted', data: withoutWorkspace(command.data) }];
      case 'RequestDocumentReindex':
        liveDocument(state, command.data.document_id, command.data.workspace_id);
        return [{ type: 'DocumentReindexRequested', data: withoutWorkspace(command.data) }];
      case 'RecordDocumentIndexed':
      case 'RecordDocumentIndexFailed': {
        const document = liveDocument(state, command.data.document_id, command.data.workspace_id);
        // An outcome for content that has since changed (or been asked again) is stale: the newer revision's comes.
        if (command.data.revision !== document.revision) return [];
        return command.type === 'RecordDocumentIndexed'
          ? [{ type: 'DocumentIndexed', data: withoutWorkspace(command.data) }]
          : [{ type: 'DocumentIndexFailed', data: withoutWorkspace(command.data) }];
      }
    }
  },
};
