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

  describe('a memory with an expires_at', () => {
    const EXPIRES = '2026-12-06T12:00:00.000Z';
    const expiring: MemoryEvent = { ...written, data: { ...written.data, expires_at: EXPIRES } } as MemoryEvent;
    const expire = (now: string, workspace_id = 'public') => ({ type: 'ExpireMemory', data: { memory_id: M, workspace_id, now } }) as const;
    const expired: MemoryEvent = { type: 'MemoryExpired', data: { memory_id: M, expires_at: EXPIRES } };

    it('expires once its expires_at is reached, not a moment before', () => {
      spec.given([expiring]).when(expire(EXPIRES)).then([expired]);
      spec.given([expiring]).when(expire('2026-12-06T13:00:00.000+01:00')).then([expired]);
      spec.given([expiring]).when(expire('2026-12-06T11:59:59.999Z')).thenThrows(ConflictError, 'MEMORY_NOT_DUE');
    });
    it('expires at the expires_at an update set last, and never once an update removed it', () => {
      const later = '2026-12-07T12:00:00.000Z';
      spec.given([expiring, { type: 'MemoryUpdated', data: { memory_id: M, expires_at: later } }]).when(expire(EXPIRES)).thenThrows(ConflictError, 'MEMORY_NOT_DUE');
      spec.given([written, { type: 'MemoryUpdated', data: { memory_id: M, expires_at: EXPIRES } }]).when(expire(EXPIRES)).then([expired]);
      spec.given([expiring, { type: 'MemoryUpdated', data: { memory_id: M, expires_at: null } }]).when(expire(later)).thenThrows(ConflictError, 'MEMORY_NOT_EXPIRING');
      spec.given([expiring, { type: 'MemoryUpdated', data: { memory_id: M, importance_score: 5 } }]).when(expire(EXPIRES)).then([expired]);
    });
    it('does not expire without an expires_at, nor from another workspace, nor when it does not exist', () => {
      spec.given([written]).when(expire(EXPIRES)).thenThrows(ConflictError, 'MEMORY_NOT_EXPIRING');
      spec.given([expiring]).when(expire(EXPIRES, 'ws-b')).thenThrows(NotFoundError, 'MEMORY_NOT_FOUND');
      spec.given([]).when(expire(EXPIRES)).thenThrows(NotFoundError, 'MEMORY_NOT_FOUND');
    });
    it('is not expired once forgotten, nor twice', () => {
      spec.given([expiring, forgotten]).when(expire(EXPIRES)).thenThrows(ConflictError, 'MEMORY_FORGOTTEN');
      spec.given([expiring, expired]).when(expire(EXPIRES)).thenThrows(ConflictError, 'MEMORY_EXPIRED');
    });
    it('once expired, is neither updated nor forgotten', () => {
      spec.given([expiring, expired]).when(update()).thenThrows(ConflictError, 'MEMORY_EXPIRED');
      spec.given([expiring, expired]).when(forget()).thenThrows(ConflictError, 'MEMORY_EXPIRED');
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
