import { ConflictError, NotFoundError, type MemoryEvent, type SealedContent } from '@agent-platform/contracts';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { memoryDecider } from './decider.js';

const M = '5b8c2f14-7d3e-4a61-9f0b-2c4d6e8fa1b3';
const sealed: SealedContent = { alg: 'A256GCM', key_id: 'k1', iv: 'aXY=', ct: 'Y3Q=', tag: 'dGFn' };
const spec = deciderSpecification(memoryDecider);

const written: MemoryEvent = {
  type: 'MemoryWritten',
  data: { memory_id: M, scope_type: 'session', scope_id: 'session-1', memory_type: 'fact', importance_score: 80, expires_at: null, content: sealed, provenance: null },
};
const forgotten: MemoryEvent = { type: 'MemoryForgotten', data: { memory_id: M, reason: null } };
const write = { type: 'WriteMemory', data: { ...written.data, workspace_id: 'public' } } as const;
const update = (workspace_id = 'public') => ({ type: 'UpdateMemory', data: { memory_id: M, workspace_id, importance_score: 10 } }) as const;
const forget = (workspace_id = 'public') => ({ type: 'ForgetMemory', data: { memory_id: M, workspace_id, reason: 'asked to' } }) as const;

describe('memory decider', () => {
  describe('a memory that does not exist', () => {
    it('is written', () => spec.given([]).when(write).then([written]));
    it('is neither updated nor forgotten', () => {
      spec.given([]).when(update()).thenThrows(NotFoundError, 'MEMORY_NOT_FOUND');
      spec.given([]).when(forget()).thenThrows(NotFoundError, 'MEMORY_NOT_FOUND');
    });
  });

  describe('a memory', () => {
    it('is not written twice', () => spec.given([written]).when(write).thenThrows(ConflictError, 'MEMORY_EXISTS'));
    it('is updated', () => spec.given([written]).when(update()).then([{ type: 'MemoryUpdated', data: { memory_id: M, importance_score: 10 } }]));
    it('is forgotten', () => spec.given([written]).when(forget()).then([{ type: 'MemoryForgotten', data: { memory_id: M, reason: 'asked to' } }]));
    it('is not found from another workspace', () => {
      spec.given([written]).when(update('ws-b')).thenThrows(NotFoundError, 'MEMORY_NOT_FOUND');
      spec.given([written]).when(forget('ws-b')).thenThrows(NotFoundError, 'MEMORY_NOT_FOUND');
    });
  });

  describe('a forgotten memory', () => {
    it('is neither updated nor forgotten again', () => {
      spec.given([written, forgotten]).when(update()).thenThrows(ConflictError, 'MEMORY_FORGOTTEN');
      spec.given([written, forgotten]).when(forget()).thenThrows(ConflictError, 'MEMORY_FORGOTTEN');
    });
  });

  describe('a scope', () => {
    const forgetScope = { type: 'ForgetMemoryScope', data: { workspace_id: 'public', scope_type: 'user', scope_id: 'u1' } } as const;
    const scopeForgotten: MemoryEvent = { type: 'MemoryScopeForgotten', data: { scope_type: 'user', scope_id: 'u1' } };
    it('is forgotten, and may be forgotten again', () => {
      spec.given([]).when(forgetScope).then([scopeForgotten]);
      spec.given([scopeForgotten]).when(forgetScope).then([scopeForgotten]);
    });
  });
});
