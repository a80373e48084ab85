import { expect } from 'chai';
import { openTestEventStore } from '@agent-platform/infra/testing';
import { describeOnPlatform, expectProblem, fieldsOf, freshWorkspace, sessionBody, UUID } from './testing/server.js';

type Event = { global_position: number; stream_id: string; stream_version: number; event_id: string; type: string; metadata: Record<string, string> };

describeOnPlatform('audit: the event log over HTTP', (server, databaseUrl) => {
  const call = (method: string, path: string, workspace: string, body?: unknown) =>
    server().request(method, path, { headers: { 'x-workspace-id': workspace }, body });

  /** Opens a session with `messages` messages, then waits until the read model has it, so the whole log is readable. */
  const sessionWith = async (workspace: string, messages: number, close = false) => {
    const { id } = (await call('POST', '/sessions', workspace, sessionBody())).body as { id: string };
    for (let i = 0; i < messages; i++) await call('POST', `/sessions/${id}/messages`, workspace, { role: 'user', content_text: `m${i}` });
    if (close) await call('POST', `/sessions/${id}/close`, workspace);
    const events: Event[] = (await call('GET', `/streams/session-${id}`, workspace)).body.events;
    const position = events[events.length - 1]!.global_position;
    expect((await call('GET', `/sessions/${id}?min_position=${position}`, workspace)).status).to.equal(200);
    return { id, stream: `session-${id}`, position };
  };
  const page = async (workspace: string, query: string) => {
    const answer = await call('GET', `/events?${query}`, workspace);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body as { items: Event[]; next_after: number };
  };

  it("GET /streams/:stream_id replays a stream's events in version order, each with its metadata", async () => {
    const ws = freshWorkspace();
    const { stream } = await sessionWith(ws, 2, true);
    const answer = await call('GET', `/streams/${stream}`, ws);
    expect(answer.status).to.equal(200);
    expect(answer.body).to.include({ stream_id: stream, version: 4 });
    const events: Event[] = answer.body.events;
    expect(events.map((e) => e.type)).to.deep.equal(['SessionOpened', 'SessionMessageAppended', 'SessionMessageAppended', 'SessionClosed']);
    expect(events.map((e) => e.stream_version)).to.deep.equal([1, 2, 3, 4]);
    const positions = events.map((e) => e.global_position);
    expect(positions).to.deep.equal([...positions].sort((a, b) => a - b));
    for (const e of events) {
      expect(e.stream_id).to.equal(stream);
      expect(e.event_id).to.match(UUID);
      expect(e.metadata).to.include({ workspace_id: ws });
      expect(e.metadata.request_id).to.be.a('string');
      expect(e.metadata.command_id).to.be.a('string');
    }
  });

  it('answers 404 STREAM_NOT_FOUND for a stream of another workspace, and for one that does not exist', async () => {
    const { stream } = await sessionWith(freshWorkspace(), 0);
    expectProblem(await call('GET', `/streams/${stream}`, freshWorkspace()), 404, 'STREAM_NOT_FOUND');
    expectProblem(await call('GET', `/streams/${stream}`, 'public'), 404, 'STREAM_NOT_FOUND');
    expectProblem(await call('GET', '/streams/session-nothing-here', freshWorkspace()), 404, 'STREAM_NOT_FOUND');
  });

  it("GET /events pages through the workspace's log with next_after: in log order, none repeated, none missed", async () => {
    const [ws, other] = [freshWorkspace(), freshWorkspace()];
    // The other workspace writes between ours, so our pages must step over its events.
    const a = await sessionWith(ws, 2);
    await sessionWith(other, 2);
    const b = await sessionWith(ws, 1);
    await sessionWith(other, 1);
    const seen: Event[] = [];
    let after = 0;
    for (let i = 0; i < 10; i++) {
      const { items, next_after } = await page(ws, `after=${after}&limit=2`);
      if (items.length === 0) break;
      expect(items.length).to.be.at.most(2);
      seen.push(...items);
      expect(next_after).to.be.at.least(items[items.length - 1]!.global_position);
      after = next_after;
    }
    expect(seen.map((e) => e.metadata.workspace_id)).to.deep.equal(Array(5).fill(ws));
    expect(seen.map((e) => `${e.stream_id}@${e.stream_version}`)).to.deep.equal([
      `${a.stream}@1`, `${a.stream}@2`, `${a.stream}@3`, `${b.stream}@1`, `${b.stream}@2`,
    ]);
    expect((await page(ws, `after=${after}`)).items).to.deep.equal([]);
  });

  it('GET /events filters by event type and by stream prefix, within the workspace only', async () => {
    const [ws, other] = [freshWorkspace(), freshWorkspace()];
    const a = await sessionWith(ws, 2);
    const b = await sessionWith(ws, 1);
    await sessionWith(other, 3);
    const messages = await page(ws, 'type=SessionMessageAppended');
    expect(messages.items.map((e) => [e.stream_id, e.type])).to.deep.equal([
      [a.stream, 'SessionMessageAppended'], [a.stream, 'SessionMessageAppended'], [b.stream, 'SessionMessageAppended'],
    ]);
    const ofB = await page(ws, `stream_prefix=${b.stream}`);
    expect(ofB.items.map((e) => e.type)).to.deep.equal(['SessionOpened', 'SessionMessageAppended']);
    const both = await page(ws, `stream_prefix=session-&type=SessionOpened`);
    expect(both.items.map((e) => e.stream_id)).to.deep.equal([a.stream, b.stream]);
  });

  it('reads at most 1,000 events of the log per filtered request, and next_after resumes the scan where it stopped', async () => {
    const [ws, other] = [freshWorkspace(), freshWorkspace()];
    const a = await sessionWith(ws, 0);
    // 2,500 events of another workspace between ours: a filter that matches none of them used to read
    // them all (up to 10,000) in one request.
    const { store, close } = await openTestEventStore(databaseUrl(), 2);
    try {
      const filler = Array.from({ length: 2_500 }, (_, n) => ({ type: 'AuditFiller', data: { n }, metadata: { workspace_id: other } }));
      await store.append(`auditfiller-${other}`, filler, { expectedVersion: 'no_stream' });
    } finally {
      await close();
    }
    const b = await sessionWith(ws, 0);
    const pages: { items: Event[]; next_after: number }[] = [];
    for (let after = a.position; pages.length < 10; ) {
      const answer = await page(ws, `after=${after}&type=SessionOpened`);
      pages.push(answer);
      if (answer.items.length > 0) break;
      expect(answer.next_after, 'an empty page moves on').to.be.greaterThan(after);
      expect(answer.next_after - after, 'events read by one request').to.be.at.most(1_000);
      after = answer.next_after;
    }
    expect(pages.map((p) => p.items.length)).to.deep.equal([0, 0, 1]);
    expect(pages[2]!.items[0]).to.include({ stream_id: b.stream, global_position: b.position });
  });

  it('refuses an `after` that is not the position of an event with 400 naming query.after', async () => {
    const ws = freshWorkspace();
    const { position } = await sessionWith(ws, 0);
    for (const after of ['abc', '-1', String(position + 1_000_000)]) {
      const answer = await call('GET', `/events?after=${after}`, ws);
      expectProblem(answer, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(answer)).to.deep.equal(['query.after']);
    }
  });
});
