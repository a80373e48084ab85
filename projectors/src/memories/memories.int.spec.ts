import { randomUUID } from 'node:crypto';
import { createInMemoryDataKeys, sealContent } from '@agent-platform/infra';
import { describeProjection, SPEC_TIME } from '../testing/projectionSpecification.js';
import { memoriesProjection } from './module.js';

const M1 = '21111111-1111-4111-8111-111111111111';
const M2 = '22222222-2222-4222-8222-222222222222';
const M3 = '23333333-3333-4333-8333-333333333333';
const dataKeys = createInMemoryDataKeys();
const keyOf = (workspaceId: string, id: string, scope: string) => dataKeys.createKey({ workspaceId, subject: `memory:${id}`, scopes: [scope] });
const content = (text: string) => ({ content_text: text, metadata_json: { source: 'chat' }, embedding: { provider: 'local', model: 'local-hash-ngram-v1', vector: [0.6, 0.8] } });

/** A memory written in `workspace` to `user:<scopeId>`, its content sealed under its own key. */
const written = async (id: string, text: string, scopeId = 'u1', workspace = 'ws-1') => ({
  type: 'MemoryWritten',
  data: {
    memory_id: id,
    scope_type: 'user',
    scope_id: scopeId,
    memory_type: 'fact',
    importance_score: 80,
    expires_at: null,
    content: sealContent(await keyOf(workspace, id, `user:${scopeId}`), content(text)),
    provenance: null,
  },
  metadata: { workspace_id: workspace },
});
const row = (id: string, text: string, extra: Record<string, unknown> = {}) => ({
  id,
  workspace_id: 'ws-1',
  scope_type: 'user',
  scope_id: 'u1',
  memory_type: 'fact',
  content_text: text,
  metadata_json: { source: 'chat' },
  importance_score: 80,
  embedding: [0.6, 0.8],
  embedding_model: 'local/local-hash-ngram-v1',
  created_time: new Date(SPEC_TIME),
  ...extra,
});

describeProjection(
  'memories projection',
  memoriesProjection,
  (spec) => {
    it('opens a written memory with its key: its text, metadata, embedding and full-text vector', async () =>
      spec({
        when: [await written(M1, 'Prefers concise answers.')],
        then: { table: 'rm_memories', rows: [{ ...row(M1, 'Prefers concise answers.'), tokens: 3 }] },
      }));

    it('writes no row for a memory whose key was destroyed before it was projected (a rebuild after forgetting)', async () => {
      // A memory of its own: a destroyed key is destroyed for good, on every database target.
      const id = randomUUID();
      const event = await written(id, 'Owes Alex 40 euros.');
      await dataKeys.destroyKey({ workspaceId: 'ws-1', subject: `memory:${id}` });
      await spec({ when: [event], then: { table: 'rm_memories', rows: [] } });
    });

    it('changes the fields an update names, and its new content', async () => {
      const key = await keyOf('ws-1', M1, 'user:u1');
      await spec({
        given: [await written(M1, 'Prefers concise answers.')],
        when: [{ type: 'MemoryUpdated', data: { memory_id: M1, importance_score: 30, content: sealContent(key, content('Prefers detailed answers.')) }, metadata: { workspace_id: 'ws-1' } }],
        then: { table: 'rm_memories', rows: [row(M1, 'Prefers detailed answers.', { importance_score: 30 })] },
      });
    });

    it('deletes a forgotten memory, and only in its workspace', async () =>
      spec({
        given: [await written(M1, 'Prefers concise answers.'), await written(M3, 'Lives in Lyon.')],
        when: [
          { type: 'MemoryForgotten', data: { memory_id: M3, reason: null }, metadata: { workspace_id: 'ws-2' } },
          { type: 'MemoryForgotten', data: { memory_id: M1, reason: null }, metadata: { workspace_id: 'ws-1' } },
        ],
        then: { table: 'rm_memories', rows: [{ id: M3 }] },
      }));

    it('deletes an expired memory, as a forgotten one, and only in its workspace', async () =>
      spec({
        given: [await written(M1, 'Prefers concise answers.'), await written(M3, 'Lives in Lyon.')],
        when: [
          { type: 'MemoryExpired', data: { memory_id: M3, expires_at: SPEC_TIME }, metadata: { workspace_id: 'ws-2' } },
          { type: 'MemoryExpired', data: { memory_id: M1, expires_at: SPEC_TIME }, metadata: { workspace_id: 'ws-1' } },
        ],
        then: { table: 'rm_memories', rows: [{ id: M3 }] },
      }));

    it("deletes exactly one scope's memories in its workspace: a like-named scope and another workspace's stay", async () =>
      spec({
        given: [await written(M1, 'Allergic to peanuts.'), await written(M2, 'Allergic to cats.', 'u10'), await written(M3, 'Allergic to dust.', 'u1', 'ws-2')],
        when: [{ type: 'MemoryScopeForgotten', data: { scope_type: 'user', scope_id: 'u1' }, metadata: { workspace_id: 'ws-1' } }],
        then: { table: 'rm_memories', rows: [{ id: M2 }, { id: M3 }] },
      }));
  },
  { dataKeys },
);
