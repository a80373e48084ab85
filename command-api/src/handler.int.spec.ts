import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { ConflictError, ExpectedVersionConflict, IdempotencyKeyReused, SESSIONS_CATEGORY, streamId } from '@agent-platform/contracts';
import type { EventStore } from '@agent-platform/infra';
import { describeOnEachPostgres, openTestEventStore } from '@agent-platform/infra/testing';
import { sendCommand } from './handler.js';
import { sessionDecider } from './sessions/decider.js';

describeOnEachPostgres('command handler', ({ db }) => {
  let opened: Awaited<ReturnType<typeof openTestEventStore>> | undefined;
  let store: EventStore;
  before(async () => {
    opened = await openTestEventStore(db().url, 25);
    store = opened.store;
  });
  after(() => opened?.close());

  const open = async (workspace_id = 'public') => {
    const session_id = randomUUID();
    await sendCommand(
      store,
      sessionDecider,
      streamId(SESSIONS_CATEGORY, session_id),
      { type: 'OpenSession', data: { session_id, workspace_id, app_id: 'a', user_id: 'u', channel_type: 'web' } },
      { workspaceId: workspace_id },
    );
    return session_id;
  };
  const message = (session_id: string, workspace_id = 'public') =>
    ({
      type: 'AppendSessionMessage',
      data: { session_id, message_id: randomUUID(), workspace_id, role: 'user', content_text: 'hi' },
    }) as const;

  it('decides again after a conflict when the command allows it: 20 concurrent messages get seq_no 1..20', async () => {
    const id = await open();
    await Promise.all(
      Array.from({ length: 20 }, () =>
        sendCommand(store, sessionDecider, streamId(SESSIONS_CATEGORY, id), message(id), { workspaceId: 'public' }, { retryOnConflict: 50 }),
      ),
    );
    const seq = (await store.readStream(streamId(SESSIONS_CATEGORY, id))).slice(1).map((e) => (e.data as { seq_no: number }).seq_no);
    expect(seq).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('reports the conflict when the command does not allow a retry', async () => {
    const id = await open();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => sendCommand(store, sessionDecider, streamId(SESSIONS_CATEGORY, id), message(id), { workspaceId: 'public' })),
    );
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    expect(refused.length).to.be.greaterThan(0);
    for (const reason of refused) expect(reason).to.be.instanceOf(ExpectedVersionConflict);
  });

  it('returns the first result for a repeated idempotency key, without deciding again', async () => {
    const id = await open();
    const stream = streamId(SESSIONS_CATEGORY, id);
    const context = { workspaceId: 'public', idempotencyKey: 'k-1', fingerprint: 'same' };
    const first = await sendCommand(store, sessionDecider, stream, message(id), context);
    await sendCommand(store, sessionDecider, stream, { type: 'CloseSession', data: { session_id: id, workspace_id: 'public' } }, { workspaceId: 'public' });
    // The session is closed now: deciding again would refuse, but the key's first result stands.
    const again = await sendCommand(store, sessionDecider, stream, message(id), context);
    expect(again.duplicate).to.equal(true);
    expect(again.lastPosition).to.equal(first.lastPosition);
    const reused = await sendCommand(store, sessionDecider, stream, message(id), { ...context, fingerprint: 'other' }).catch((e) => e);
    expect(reused).to.be.instanceOf(IdempotencyKeyReused);
    const fresh = await sendCommand(store, sessionDecider, stream, message(id), { workspaceId: 'public', idempotencyKey: 'k-2' }).catch((e) => e);
    expect(fresh).to.be.instanceOf(ConflictError);
  });

  it('without looking the key up first, still appends once: the append finds the key and answers with its first result', async () => {
    const id = await open();
    const stream = streamId(SESSIONS_CATEGORY, id);
    const context = { workspaceId: 'public', idempotencyKey: 'k-late' };
    const sameMessage = message(id);
    const first = await sendCommand(store, sessionDecider, stream, sameMessage, context, { findPriorFirst: false });
    const again = await sendCommand(store, sessionDecider, stream, sameMessage, context, { findPriorFirst: false });
    expect(again).to.deep.include({ duplicate: true, lastPosition: first.lastPosition });
    expect(await store.readStream(stream)).to.have.length(2);
    // Deciding comes first now: on a closed session the refusal wins over the recorded answer.
    await sendCommand(store, sessionDecider, stream, { type: 'CloseSession', data: { session_id: id, workspace_id: 'public' } }, { workspaceId: 'public' });
    const refused = await sendCommand(store, sessionDecider, stream, sameMessage, context, { findPriorFirst: false }).catch((e) => e);
    expect(refused).to.be.instanceOf(ConflictError);
  });

  it('appends a new stream without reading it, and refuses `newStream` on a stream that exists', async () => {
    const id = await open();
    const again = await sendCommand(
      store,
      sessionDecider,
      streamId(SESSIONS_CATEGORY, id),
      { type: 'OpenSession', data: { session_id: id, workspace_id: 'public', app_id: 'a', user_id: 'u', channel_type: 'web' } },
      { workspaceId: 'public' },
      { newStream: true },
    ).catch((e) => e);
    expect(again).to.be.instanceOf(ExpectedVersionConflict);
  });

  it('scopes idempotency keys to the workspace', async () => {
    const a = await open('ws-a');
    const b = await open('ws-b');
    const ra = await sendCommand(store, sessionDecider, streamId(SESSIONS_CATEGORY, a), message(a, 'ws-a'), { workspaceId: 'ws-a', idempotencyKey: 'same' });
    const rb = await sendCommand(store, sessionDecider, streamId(SESSIONS_CATEGORY, b), message(b, 'ws-b'), { workspaceId: 'ws-b', idempotencyKey: 'same' });
    expect(ra.duplicate || rb.duplicate).to.equal(false);
    expect(ra.lastPosition).to.not.equal(rb.lastPosition);
  });

  it('writes every context field into each event’s metadata', async () => {
    const id = await open();
    await sendCommand(store, sessionDecider, streamId(SESSIONS_CATEGORY, id), message(id), {
      workspaceId: 'public',
      requestId: 'req-1',
      correlationId: 'corr-1',
      causationId: 'cause-1',
      userId: 'user-1',
    });
    const [, appended] = await store.readStream(streamId(SESSIONS_CATEGORY, id));
    expect(appended!.metadata).to.include({ workspace_id: 'public', request_id: 'req-1', correlation_id: 'corr-1', causation_id: 'cause-1', user_id: 'user-1' });
    expect(appended!.metadata.command_id).to.be.a('string');
  });
});
