import { expect } from 'chai';
import type { EventStore } from '@agent-platform/infra';
import { openTestEventStore } from '@agent-platform/infra/testing';
import { integrationStreamId, type NewEvent } from '@agent-platform/contracts';
import { describeOnPlatform, expectProblem, fieldsOf, freshWorkspace } from './testing/server.js';

type Page = { stream_id: string; version: number; events: { stream_version: number; metadata: { workspace_id: string } }[]; next_from_version: number | null };

describeOnPlatform('GET /streams/:stream_id: bounded pages, one workspace only', (server, databaseUrl) => {
  let opened: Awaited<ReturnType<typeof openTestEventStore>> | undefined;
  let store: EventStore;
  before(async () => {
    opened = await openTestEventStore(databaseUrl(), 2);
    store = opened.store;
  });
  after(() => opened?.close());

  const call = (path: string, workspace: string) => server().request('GET', path, { headers: { 'x-workspace-id': workspace } });
  const events = (workspace: string, count: number): NewEvent[] =>
    Array.from({ length: count }, (_, i) => ({ type: 'integration.audit.probe', data: { i }, metadata: { workspace_id: workspace } }));
  /** A stream of `count` events of `workspace`, written straight to the log: a long stream without a long test. */
  const streamOf = async (workspace: string, count: number) => {
    const id = integrationStreamId(workspace, 'probe', String(count));
    await store.append(id, events(workspace, count), { expectedVersion: 0 });
    return id;
  };
  const page = async (path: string, workspace: string) => {
    const answer = await call(path, workspace);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body as Page;
  };

  it('answers a 250-event stream in pages of 100 by default, with next_from_version until the last page', async () => {
    const ws = freshWorkspace();
    const id = await streamOf(ws, 250);
    const first = await page(`/streams/${id}`, ws);
    expect(first.events.map((e) => e.stream_version)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(first).to.include({ version: 100, next_from_version: 101 });
    const second = await page(`/streams/${id}?from_version=101&limit=1000`, ws);
    expect(second.events.map((e) => e.stream_version)).to.deep.equal(Array.from({ length: 150 }, (_, i) => i + 101));
    expect(second).to.include({ version: 250, next_from_version: null });
  });

  it('ends a page exactly at the stream head with next_from_version null, and answers 404 past it', async () => {
    const ws = freshWorkspace();
    const id = await streamOf(ws, 4);
    expect(await page(`/streams/${id}?limit=2`, ws)).to.include({ version: 2, next_from_version: 3 });
    expect(await page(`/streams/${id}?from_version=3&limit=2`, ws)).to.include({ version: 4, next_from_version: null });
    expectProblem(await call(`/streams/${id}?from_version=5`, ws), 404, 'STREAM_NOT_FOUND');
    expectProblem(await call(`/streams/${id}?from_version=2147483647`, ws), 404, 'STREAM_NOT_FOUND');
  });

  it('refuses a limit above 1000 or below 1 and a from_version below 1 or past a stream version with 400 naming the parameter', async () => {
    const ws = freshWorkspace();
    const id = await streamOf(ws, 1);
    for (const [query, field] of [['limit=1001', 'query.limit'], ['limit=0', 'query.limit'], ['from_version=0', 'query.from_version'], ['from_version=x', 'query.from_version'], ['from_version=99999999999', 'query.from_version']]) {
      const answer = await call(`/streams/${id}?${query}`, ws);
      expectProblem(answer, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(answer)).to.deep.equal([field]);
    }
  });

  it("never returns another workspace's event from a stream that mixes workspaces (written before streams were scoped)", async () => {
    const [a, b] = [freshWorkspace(), freshWorkspace()];
    const id = `integration-legacy:${a}:order:1`;
    await store.append(id, events(a, 1), { expectedVersion: 0 });
    await store.append(id, events(b, 1), { expectedVersion: 1 });
    expectProblem(await call(`/streams/${id}`, a), 404, 'STREAM_NOT_FOUND');
    expectProblem(await call(`/streams/${id}`, b), 404, 'STREAM_NOT_FOUND');
    expectProblem(await call(`/streams/${id}?from_version=2`, a), 404, 'STREAM_NOT_FOUND');
    // A page holding only the workspace's own events is still its to read.
    const own = await page(`/streams/${id}?limit=1`, a);
    expect(own.events.map((e) => e.metadata.workspace_id)).to.deep.equal([a]);
  });
});
