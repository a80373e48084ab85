import { ConflictError, NotFoundError, type MemoryCommand, type MemoryEvent, type MemoryScopeType } from '@agent-platform/contracts';
import type { Decider } from '../decider.js';

/**
 * A memory's stream, or a scope's (where forgetting the whole scope is recorded). A memory exists only in
 * its own workspace: to any other it is not found. A forgotten or expired memory stays so: its key is gone.
 */
export type MemoryState =
  | { status: 'none' }
  | { status: 'active' | 'forgotten' | 'expired'; workspaceId: string; scopeType: MemoryScopeType; scopeId: string; expiresAt: string | null }
  | { status: 'scope' };

const notFound = (id: string) => new NotFoundError('MEMORY_NOT_FOUND', `memory ${id} does not exist in this workspace`);

const active = (state: MemoryState, memoryId: string, workspaceId: string) => {
  if (state.status === 'none' || state.status === 'scope' || state.workspaceId !== workspaceId) throw notFound(memoryId);
  if (state.status === 'forgotten') throw new ConflictError('MEMORY_FORGOTTEN', `memory ${memoryId} is forgotten`);
  if (state.status === 'expired') throw new ConflictError('MEMORY_EXPIRED', `memory ${memoryId} expired`);
  return state;
};

/** Only a memory due: the sweeper's read model may lag behind an update that moved or removed its expiry. */
const due = (state: { expiresAt: string | null }, memoryId: string, now: string) => {
  if (state.expiresAt === null) throw new ConflictError('MEMORY_NOT_EXPIRING', `memory ${memoryId} has no expires_at`);
  if (Date.parse(now) < Date.parse(state.expiresAt)) throw new ConflictError('MEMORY_NOT_DUE', `memory ${memoryId} expires at ${state.expiresAt}`);
  return state.expiresAt;
};

export const memoryDecider: Decider<MemoryState, MemoryCommand, MemoryEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'MemoryWritten':
        return {
          status: 'active',
          workspaceId: event.metadata.workspace_id,
          scopeType: event.data.scope_type,
          scopeId: event.data.scope_id,
          expiresAt: event.data.expires_at,
        };
      case 'MemoryUpdated':
        return state.status === 'active' && event.data.expires_at !== undefined ? { ...state, expiresAt: event.data.expires_at } : state;
      case 'MemoryForgotten':
        return state.status === 'active' ? { ...state, status: 'forgotten' } : state;
      case 'MemoryExpired':
        return state.status === 'active' ? { ...state, status: 'expired' } : state;
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
      case 'ExpireMemory': {
        const { memory_id, workspace_id, now } = command.data;
        return [{ type: 'MemoryExpired', data: { memory_id, expires_at: due(active(state, memory_id, workspace_id), memory_id, now) } }];
      }
    }
  },
};
