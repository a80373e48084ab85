import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { AGENT_RUNS_CATEGORY, AgentRunCompleted, SESSIONS_CATEGORY, streamId, toEnvelope, type RecordedEvent } from '@agent-platform/contracts';
import { agentRunDecider, sendCommand, sessionDecider } from '@agent-platform/command-api/commands';
import type { EventStore } from '@agent-platform/infra';
import { createInMemoryEventStore } from '@agent-platform/infra/testing';
import { contextFor } from '../runtime/run.js';
import { sessionAnswers } from './sessionAnswers.js';

const WORKSPACE = 'ws-answers';

/** The reaction reads and appends through the EventStore port alone: the in-memory store, which keeps the port's contract, serves it without a database. */
describe('agent-run answers', () => {
  let store: EventStore;
  beforeEach(() => {
    store = createInMemoryEventStore();
  });

  /** An open session with a run queued in it, as the command API leaves them. */
  const queuedRun = async (dryRun = false) => {
    const ctx = { workspaceId: WORKSPACE };
    const request = { run_id: randomUUID(), agent_id: randomUUID(), agent_version_id: randomUUID(), session_id: randomUUID() };
    await sendCommand(
      store,
      sessionDecider,
      streamId(SESSIONS_CATEGORY, request.session_id),
      { type: 'OpenSession', data: { session_id: request.session_id, workspace_id: WORKSPACE, app_id: 'app', user_id: 'user', channel_type: 'web' } },
      ctx,
      { newStream: true },
    );
    await sendCommand(
      store,
      agentRunDecider,
      streamId(AGENT_RUNS_CATEGORY, request.run_id),
      { type: 'QueueAgentRun', data: { ...request, input_text: 'Where is order 1?', auto_execute: true, dry_run: dryRun, workspace_id: WORKSPACE } },
      ctx,
      { newStream: true },
    );
    return request;
  };

  /** The run's completion as the broker delivers it, with the data given. */
  const completed = (data: Record<string, unknown>, schemaVersion: number): RecordedEvent => ({
    global_position: 1,
    transaction_id: '1',
    stream_id: streamId(AGENT_RUNS_CATEGORY, String(data.run_id)),
    stream_version: 9,
    event_id: randomUUID(),
    type: AgentRunCompleted.type,
    schema_version: schemaVersion,
    data,
    metadata: { workspace_id: WORKSPACE },
    recorded_at: new Date().toISOString(),
  });

  /** Delivers the event to the reaction, counting the stream reads it makes. */
  const deliver = async (event: RecordedEvent) => {
    const reads: string[] = [];
    const processor = sessionAnswers({ ...store, readStream: (id, options) => (reads.push(id), store.readStream(id, options)) });
    const envelope = toEnvelope(event, AGENT_RUNS_CATEGORY);
    await processor.handle(envelope, contextFor(processor, envelope, 1));
    return reads;
  };
  const answersIn = async (sessionId: string) =>
    (await store.readStream(streamId(SESSIONS_CATEGORY, sessionId))).filter((e) => e.type === 'SessionMessageAppended').map((e) => e.data);

  it('adds the answer of a version 2 event to its session, reading nothing of the run', async () => {
    const run = await queuedRun();
    const reads = await deliver(completed({ ...run, answer: 'Shipped.', usage: { prompt_tokens: 1, completion_tokens: 1 }, dry_run: false }, 2));
    expect(reads.filter((id) => id.startsWith(`${AGENT_RUNS_CATEGORY}-`))).to.deep.equal([]);
    const [message] = await answersIn(run.session_id);
    expect(message).to.deep.include({
      role: 'assistant',
      content_text: 'Shipped.',
      metadata_json: { agent_run_id: run.run_id, agent_id: run.agent_id, agent_version_id: run.agent_version_id },
    });
  });

  it("finds the session of a version 1 event, which does not name it, in the run's queued event", async () => {
    const run = await queuedRun();
    const reads = await deliver(completed({ run_id: run.run_id, answer: 'Shipped.', usage: { prompt_tokens: 1, completion_tokens: 1 } }, 1));
    expect(reads).to.include(streamId(AGENT_RUNS_CATEGORY, run.run_id));
    expect(await answersIn(run.session_id)).to.have.length(1);
    expect((await answersIn(run.session_id))[0]).to.deep.include({ content_text: 'Shipped.' });
  });

  it("answers nobody for a team's member run: its answer is its team's", async () => {
    const run = await queuedRun();
    await deliver(completed({ ...run, answer: 'My part.', usage: { prompt_tokens: 1, completion_tokens: 1 }, dry_run: false, team_run_id: randomUUID() }, 3));
    expect(await answersIn(run.session_id)).to.deep.equal([]);
  });

  it('answers nobody for a dry run', async () => {
    const run = await queuedRun(true);
    await deliver(completed({ ...run, answer: 'Dry run: nothing was called.', usage: { prompt_tokens: 0, completion_tokens: 0 }, dry_run: true }, 2));
    expect(await answersIn(run.session_id)).to.deep.equal([]);
  });
});
