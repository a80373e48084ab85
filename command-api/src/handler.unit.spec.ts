import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { DEAD_LETTERS_CATEGORY, ExpectedVersionConflict, SESSIONS_CATEGORY, streamId, type SessionCommand } from '@agent-platform/contracts';
import type { EventStore } from '@agent-platform/infra';
import { createInMemoryEventStore } from '@agent-platform/infra/testing';
import { evolveAll } from './decider.js';
import { deadLetterDecider } from './dead-letters/decider.js';
import { commandIdFor, sendCommand } from './handler.js';
import { sessionDecider } from './sessions/decider.js';

/**
 * The command handler's own rules on the in-memory event store, which keeps the port's contract (see
 * handler.int.spec.ts for the same handler racing on PostgreSQL). A rival writer that appends just
 * before the handler does is easy to stage here, so the conflict retry is specified exactly.
 */
describe('command handler, on the in-memory event store', () => {
  const ws = 'public';
  const openSession = async (store: EventStore) => {
    const session_id = randomUUID();
    const stream = streamId(SESSIONS_CATEGORY, session_id);
    await sendCommand(store, sessionDecider, stream, { type: 'OpenSession', data: { session_id, workspace_id: ws, app_id: 'a', user_id: 'u', channel_type: 'web' } }, { workspaceId: ws });
    return { session_id, stream };
  };
  const message = (session_id: string, content_text = 'hi'): SessionCommand => ({
    type: 'AppendSessionMessage',
    data: { session_id, message_id: randomUUID(), workspace_id: ws, role: 'user', content_text },
  });
  /** The store, with a rival that appends a message to `stream` right before each of the handler's first `times` appends. */
  const withRival = (store: EventStore, session_id: string, times: number) => {
    let raced = 0;
    const rival: EventStore = {
      ...store,
      append: async (id, events, options) => {
        if (raced < times) {
          raced++;
          await sendCommand(store, sessionDecider, id, message(session_id, `rival ${raced}`), { workspaceId: ws });
        }
        return store.append(id, events, options);
      },
    };
    return { rival, raced: () => raced };
  };
  const contents = async (store: EventStore, stream: string) =>
    (await store.readStream(stream)).slice(1).map((e) => (e.data as { seq_no: number; content_text: string }));

  it('decides again on the state a rival left after each conflict, up to retryOnConflict times, and appends after it', async () => {
    const store = createInMemoryEventStore();
    const { session_id, stream } = await openSession(store);
    const { rival, raced } = withRival(store, session_id, 2);
    await sendCommand(rival, sessionDecider, stream, message(session_id, 'mine'), { workspaceId: ws }, { retryOnConflict: 2 });
    expect(raced()).to.equal(2);
    expect((await contents(store, stream)).map((m) => [m.seq_no, m.content_text])).to.deep.equal([
      [1, 'rival 1'],
      [2, 'rival 2'],
      [3, 'mine'],
    ]);
  });

  it('reports the conflict once its retries are spent, having appended nothing of its own', async () => {
    const store = createInMemoryEventStore();
    const { session_id, stream } = await openSession(store);
    const { rival } = withRival(store, session_id, 3);
    const error = await sendCommand(rival, sessionDecider, stream, message(session_id, 'mine'), { workspaceId: ws }, { retryOnConflict: 2 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ExpectedVersionConflict);
    expect((await contents(store, stream)).map((m) => m.content_text)).to.deep.equal(['rival 1', 'rival 2', 'rival 3']);
  });

  it('appends nothing for a decision without events, and answers with where the stream stands', async () => {
    const store = createInMemoryEventStore();
    const dead_letter_id = randomUUID();
    const stream = streamId(DEAD_LETTERS_CATEGORY, dead_letter_id);
    const record = {
      type: 'RecordDeadLetter',
      data: {
        dead_letter_id,
        workspace_id: ws,
        consumer_group: 'webhooks',
        event_id: randomUUID(),
        event_type: 'SessionOpened',
        event_stream_id: 'session-1',
        event_stream_version: 1,
        event_global_position: 1,
        attempts: 5,
        error: { name: 'Error', message: 'timeout' },
      },
    } as const;
    const first = await sendCommand(store, deadLetterDecider, stream, record, { workspaceId: ws });
    const again = await sendCommand(store, deadLetterDecider, stream, record, { workspaceId: ws });
    expect(again).to.deep.include({ streamId: stream, nextExpectedVersion: 1, lastPosition: first.lastPosition, events: [], duplicate: false });
    expect(again.cursor).to.include({ version: 1, position: first.lastPosition });
    expect(await store.readStream(stream)).to.have.length(1);
  });

  it('appends a stateless command with `any`, without reading the stream', async () => {
    const store = createInMemoryEventStore();
    const { session_id, stream } = await openSession(store);
    let reads = 0;
    const counting: EventStore = { ...store, readStream: (id, o) => (reads++, store.readStream(id, o)) };
    // Stateless, the decider sees no session and refuses: a command that needs no past would not.
    const refused = await sendCommand(counting, sessionDecider, stream, message(session_id), { workspaceId: ws }, { stateless: true }).catch((e: unknown) => e);
    expect(refused).to.have.property('code', 'SESSION_NOT_FOUND');
    const opened = await sendCommand(
      counting,
      sessionDecider,
      streamId(SESSIONS_CATEGORY, session_id),
      { type: 'OpenSession', data: { session_id, workspace_id: ws, app_id: 'a', user_id: 'u', channel_type: 'web' } },
      { workspaceId: ws },
      { stateless: true },
    );
    expect(reads).to.equal(0);
    expect(opened.nextExpectedVersion).to.equal(2);
  });

  it('stamps every event with the command id its idempotency key stands for in the workspace', async () => {
    const store = createInMemoryEventStore();
    const { session_id, stream } = await openSession(store);
    await sendCommand(store, sessionDecider, stream, message(session_id), { workspaceId: ws, idempotencyKey: 'k-1' });
    const [, appended] = await store.readStream(stream);
    expect(appended!.metadata.command_id).to.equal(commandIdFor(ws, 'k-1'));
    expect(await store.findCommand(commandIdFor(ws, 'k-1'))).to.deep.include({ duplicate: true, lastPosition: appended!.global_position });
  });

  it('decides against the stream the sender holds without reading it, and after a conflict reads only the events past it', async () => {
    const store = createInMemoryEventStore();
    const { session_id, stream } = await openSession(store);
    const opened = await store.readStream(stream);
    const known = { state: evolveAll(sessionDecider, sessionDecider.initialState(), opened), version: 1, position: opened[0]!.global_position };
    const reads: ({ fromVersion?: number } | undefined)[] = [];
    const { rival } = withRival(store, session_id, 1);
    const counting: EventStore = { ...rival, readStream: (id, o) => (reads.push(o), store.readStream(id, o)) };
    const sent = await sendCommand(counting, sessionDecider, stream, message(session_id, 'mine'), { workspaceId: ws }, { known, retryOnConflict: 1 });
    expect(reads).to.deep.equal([{ fromVersion: 2 }]);
    expect((await contents(store, stream)).map((m) => [m.seq_no, m.content_text])).to.deep.equal([
      [1, 'rival 1'],
      [2, 'mine'],
    ]);
    expect(sent.cursor).to.deep.include({ version: 3, position: sent.lastPosition });
    expect(sent.cursor!.state).to.deep.equal(evolveAll(sessionDecider, sessionDecider.initialState(), await store.readStream(stream)));
  });

  it('decides several commands in turn, each on the state the one before left, into one append with one command id', async () => {
    const store = createInMemoryEventStore();
    const session_id = randomUUID();
    const stream = streamId(SESSIONS_CATEGORY, session_id);
    let appends = 0;
    const counting: EventStore = { ...store, append: (id, events, o) => (appends++, store.append(id, events, o)) };
    await sendCommand(
      counting,
      sessionDecider,
      stream,
      [{ type: 'OpenSession', data: { session_id, workspace_id: ws, app_id: 'a', user_id: 'u', channel_type: 'web' } }, message(session_id, 'first'), message(session_id, 'second')],
      { workspaceId: ws },
      { newStream: true },
    );
    const recorded = await store.readStream(stream);
    expect(appends).to.equal(1);
    expect(recorded.slice(1).map((e) => (e.data as { seq_no: number }).seq_no)).to.deep.equal([1, 2]);
    expect(new Set(recorded.map((e) => e.metadata.command_id)).size).to.equal(1);
  });
});
