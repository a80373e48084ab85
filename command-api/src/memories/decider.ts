import { ConflictError, NotFoundError, type MemoryCommand, type MemoryEvent, type MemoryScopeType } from '@agent-platform/contracts';
import type { Decider } from '../decider.js';

/**
 * A memory's stream, or a scope's (where forgetting the whole scope is recorded). A memory exists only in
 * its own workspace: to any other it is not found. A forgotten memory stays forgotten.
 */
export type MemoryState =
  | { status: 'none' }
  | { status: 'active' | 'forgotten'; workspaceId: string; scopeType: MemoryScopeType; scopeId: string }
  | { status: 'scope' };

const notFound = (id: string) => new NotFoundError('MEMORY_NOT_FOUND', `memory ${id} does not exist in this workspace`);

const active = (state: MemoryState, memoryId: string, workspaceId: string) => {
  if (state.status === 'none' || state.status === 'scope' || state.workspaceId !== workspaceId) throw notFound(memoryId);
  if (state.status === 'forgotten') throw new ConflictError('MEMORY_FORGOTTEN', `memory ${memoryId} is forgotten`);
  return state;
};

export const memoryDecider: Decider<MemoryState, MemoryCommand, MemoryEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'MemoryWritten':
        return { status: 'active', workspaceId: event.metadata.workspace_id, scopeType: event.data.scope_type, scopeId: event.data.scope_id };
      case 'MemoryUpdated':
        return state;
      case 'MemoryForgotten':
        return state.status === 'active' ? { ...state, status: 'forgotten' } : state;
      case 'MemoryScopeForgotten':
        return { status: 'scope' };
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'WriteMemory': {
        if (state.status !== 'none') throw new ConflictError('MEMORY_EXISTS', `memory ${command.data.memory_id} already exists`);
        const { workspace_id: _workspace, ...data } = command.data;
        return [{ type: 'MemoryWritten', data }];
      }
      case 'UpdateMemory': {
        const { workspace_id, ...data } = command.data;
        active(state, data.memory_id, workspace_id);
        return [{ type: 'MemoryUpdated', data }];
      }
      case 'ForgetMemory': {
        const { workspace_id, ...data } = command.data;
        active(state, data.memory_id, workspace_id);
        return [{ type: 'MemoryForgotten', data }];
      }
      case 'ForgetMemoryScope': {
        // A scope may be forgotten again (its new memories with it): each time is recorded.
        if (state.status !== 'none' && state.status !== 'scope') throw new ConflictError('MEMORY_SCOPE_STREAM', 'not a scope stream');
        const { workspace_id: _workspace, ...data } = command.data;
        return [{ type: 'MemoryScopeForgotten', data }];
      }
    }
  },
};
