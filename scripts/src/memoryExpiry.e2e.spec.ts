import { expect } from 'chai';
import { SealedContent } from '@agent-platform/contracts';
import { createKnex, createLogger, createPool, loadConfig, openContent, type DataKeys, type Knex, type Pool } from '@agent-platform/infra';
import { memoriesReader } from '@agent-platform/projectors/readers';
import { openDataKeys } from './dataKeys.js';
import { describeOnPlatform, expectProblem, minPosition, TEST_ENV, wholeLog, workspaceClient } from './testing/server.js';

const SCOPE = { scope_type: 'user', scope_id: 'u-expiry' } as const;
const SWEEP_MS = 50;
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

describeOnPlatform(
  'memories: expired memories erased by the sweeper',
  (server, databaseUrl) => {
    const { call, ok, headers } = workspaceClient(server);
    const write = async (content_text: string, expires_at?: string) =>
      (await ok('POST', '/memories', { ...SCOPE, content_text, ...(expires_at ? { expires_at } : {}) })) as { id: string; position: number };
    let knex: Knex, pool: Pool, dataKeys: DataKeys;
    before(async () => {
      knex = createKnex(databaseUrl());
      pool = createPool(databaseUrl(), 2);
      dataKeys = await openDataKeys(loadConfig({ ...TEST_ENV, AGENT_PLATFORM_DATABASE_URL: databaseUrl() }), pool, { embedded: false }, createLogger('silent'));
    });
    after(async () => {
      await pool.end();
      await knex.destroy();
    });

    type Logged = { type: string; stream_id: string; global_position: number; data: { content?: unknown } };
    const log = async () => (await wholeLog((path) => call('GET', path))) as Logged[];
    /** What the log holds of a memory's content: `opened` with its key, `erased` once the key is destroyed. */
    const contentOf = async (workspaceId: string, id: string) => {
      const written = (await log()).find((e) => e.type === 'MemoryWritten' && e.stream_id === `memory-${id}`)!;
      return openContent(await dataKeys.getKey({ workspaceId, subject: `memory:${id}` }), SealedContent.parse(written.data.content)).status;
    };
    const expiredIn = async (ids: readonly string[]) => {
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, SWEEP_MS))) {
        const expired = (await log()).filter((e) => e.type === 'MemoryExpired');
        if (ids.every((id) => expired.some((e) => e.stream_id === `memory-${id}`))) return expired;
      }
      throw new Error(`no MemoryExpired for all of ${ids.join(', ')} within 10 s`);
    };

    it('erases a memory once past its expires_at: gone from list and search, its key destroyed; one without an expiry or with a future one stays', async () => {
      // Given a memory that expires in a moment, one already past its expiry, one that never expires and one that expires tomorrow
      const soon = await write('Parks the blue bicycle behind the bakery.', inMs(1500));
      const past = await write('Parks the red scooter near the station.', inMs(-60_000));
      const forever = await write('Parks the green car in the garage.');
      const tomorrow = await write('Parks the yellow van at the harbour.', inMs(86_400_000));
      const listed = async (position: number) =>
        (await call('GET', `/memories?scope_type=${SCOPE.scope_type}&scope_id=${SCOPE.scope_id}`, undefined, minPosition(position))).body.items.map((m: { id: string }) => m.id);
      // the one already past its expiry is hidden at once, before any sweep; the one expiring soon is still there
      expect(await listed(tomorrow.position)).to.have.members([soon.id, forever.id, tomorrow.id]);

      // When the sweeper has seen both past their expiry
      const expired = await expiredIn([soon.id, past.id]);
      const last = Math.max(...expired.map((e) => e.global_position));

      // Then neither is listed, read or found again, and neither opens in the log
      expect(await listed(last)).to.have.members([forever.id, tomorrow.id]);
      expectProblem(await call('GET', `/memories/${soon.id}`, undefined, minPosition(last)), 404, 'MEMORY_NOT_FOUND');
      const hits = (await call('POST', '/memories/search', { query: 'parks bicycle scooter car van', ...SCOPE, limit: 10 }, minPosition(last))).body as { id: string }[];
      expect(hits.map((h) => h.id)).to.have.members([forever.id, tomorrow.id]);
      const ws = headers()['x-workspace-id']!;
      expect(await contentOf(ws, soon.id)).to.equal('erased');
      expect(await contentOf(ws, past.id)).to.equal('erased');
      expect(await contentOf(ws, forever.id)).to.equal('opened');
      expect(await contentOf(ws, tomorrow.id)).to.equal('opened');
      // the rows are deleted, not only hidden: the sweeper finds nothing of them even a year on
      const due = (await memoriesReader.dueForExpiry(knex, new Date(Date.now() + 365 * 86_400_000), 100)).filter((m) => m.workspace_id === ws).map((m) => m.id);
      expect(due).to.deep.equal([tomorrow.id]);
      // and an expired memory is neither changed nor forgotten
      expectProblem(await call('PATCH', `/memories/${soon.id}`, { importance_score: 1 }), 409, 'MEMORY_EXPIRED');
      expectProblem(await call('DELETE', `/memories/${soon.id}`), 409, 'MEMORY_EXPIRED');
      expect(expired.filter((e) => [forever.id, tomorrow.id].some((id) => e.stream_id === `memory-${id}`))).to.deep.equal([]);
    });
  },
  { env: { AGENT_PLATFORM_MEMORY_EXPIRY_INTERVAL_MS: String(SWEEP_MS) } },
);

describeOnPlatform(
  'memories: an expired memory before any sweep',
  (server) => {
    const { call, ok } = workspaceClient(server);
    it('is hidden from list, read and search the moment it expires, though nothing erased it yet', async () => {
      // Given a platform without processors (so no sweeper), a memory past its expires_at and one without
      const past = (await ok('POST', '/memories', { ...SCOPE, content_text: 'Hides the spare key under the mat.', expires_at: inMs(-1000) })) as { id: string; position: number };
      const kept = (await ok('POST', '/memories', { ...SCOPE, content_text: 'Hides the spare key in the shed.' })) as { id: string; position: number };
      const at = minPosition(kept.position);
      // When either is asked for, then only the unexpired one answers
      const listed = await call('GET', `/memories?scope_type=${SCOPE.scope_type}&scope_id=${SCOPE.scope_id}`, undefined, at);
      expect(listed.body.items.map((m: { id: string }) => m.id)).to.deep.equal([kept.id]);
      expectProblem(await call('GET', `/memories/${past.id}`, undefined, at), 404, 'MEMORY_NOT_FOUND');
      const hits = (await call('POST', '/memories/search', { query: 'spare key', ...SCOPE, limit: 10 }, at)).body as { id: string }[];
      expect(hits.map((h) => h.id)).to.deep.equal([kept.id]);
      expect((await wholeLog((path) => call('GET', path))).map((e) => e.type)).not.to.include('MemoryExpired');
    });
  },
  { roles: ['command-api', 'query-api', 'projectors'] },
);
