import { expect } from 'chai';
import { ExpectedVersionConflict, type AgentRunCommand, type NewEvent, type PreparedRun, type RecordedEvent } from '@agent-platform/contracts';
import type { AppendOptions, AppendResult, EventStore } from '@agent-platform/infra';
import { agentRunStream } from '../agent-runs/stream.js';
import { openJournal } from './journal.js';

const R = '71829304-b5c6-4d7e-9a8b-9cadbecfd0e1';
const L = 'b5c6d7e8-f90a-4b12-9ecf-d0e1f2031425';
const I1 = 'd7e8f90a-1b2c-4d34-9e01-f20314253647';
const I2 = 'e8f90a1b-2c3d-4e45-8f12-031425364758';

/** One run's stream in memory, with the store's version check; `failNext` makes the next append throw. */
const memoryStore = (seed: { type: string; data: unknown }[]) => {
  const events: RecordedEvent[] = [];
  const appends: string[][] = [];
  let failNext: Error | undefined;
  const push = (e: NewEvent | { type: string; data: unknown }) => {
    const n = events.length + 1;
    events.push({
      global_position: n,
      transaction_id: String(n),
      stream_id: `agentrun-${R}`,
      stream_version: n,
      event_id: `e-${n}`,
      type: e.type,
      schema_version: 1,
      data: e.data as Record<string, unknown>,
      metadata: { workspace_id: 'public' },
      recorded_at: new Date(0).toISOString(),
    });
    return events.at(-1)!;
  };
  for (const e of seed) push(e);
  const store = {
    readStream: async (_id: string, options?: { fromVersion?: number }) => events.filter((e) => e.stream_version >= (options?.fromVersion ?? 1)),
    append: async (id: string, newEvents: NewEvent[], options: AppendOptions): Promise<AppendResult> => {
      await new Promise((r) => setTimeout(r, 5));
      if (failNext) {
        const error = failNext;
        failNext = undefined;
        throw error;
      }
      if (options.expectedVersion !== events.length) throw new ExpectedVersionConflict(id, String(options.expectedVersion), events.length);
      appends.push(newEvents.map((e) => e.type));
      const recorded = newEvents.map(push);
      return { streamId: id, nextExpectedVersion: events.length, lastPosition: events.length, events: recorded, duplicate: false };
    },
  } as unknown as EventStore;
  return { store, appends, fail: (error: Error) => (failNext = error) };
};

const plan: PreparedRun = {
  run_id: R,
  dry_run: false,
  model: 'local-react',
  temperature: null,
  max_tokens: null,
  react_enabled: true,
  react_max_steps: 5,
  ask_human_enabled: false,
  messages: [{ role: 'user', content: 'Where is order 1?' }],
  selected_tool_refs: [],
  selected_skill_refs: [],
  memory: { read: 'disabled', write: 'disabled', memory_scope: 'session', scope_id: null, read_top_k: 5, read_count: 0, read_memories: [], note: null },
  citations: [],
};
const leasedAndPrepared = [
  { type: 'AgentRunQueued', data: { run_id: R, agent_id: R, agent_version_id: R, session_id: R, input_text: 'Where is order 1?', auto_execute: true, dry_run: false, team_run_id: null, member_key: null } },
  { type: 'AgentRunLeased', data: { run_id: R, worker_key: 'w', lease_id: L, lease_expires_at: '2999-01-01T00:00:00.000Z', attempt: 1 } },
  { type: 'AgentRunPrepared', data: plan },
];
const modelCall = (step: number): AgentRunCommand => ({
  type: 'RecordModelCall',
  data: {
    run_id: R,
    lease_id: L,
    step,
    model: 'local-react',
    content: null,
    tool_calls: [{ id: `call_${step}`, name: 'lookup_order', arguments: '{"order_id":"1"}' }],
    finish_reason: 'tool_calls',
    usage: { prompt_tokens: 10, completion_tokens: 5 },
    duration_ms: 1,
  },
});
const start = (step: number, invocation_id: string): AgentRunCommand => ({
  type: 'StartToolInvocation',
  data: {
    run_id: R,
    lease_id: L,
    invocation_id,
    step,
    tool_id: null,
    tool_version_id: null,
    tool_code: 'lookup_order',
    input_json: { order_id: '1' },
    idempotency_key: `${R}:${step}:0`,
    tool_call_id: `call_${step}`,
  },
});
const complete = (invocation_id: string): AgentRunCommand => ({
  type: 'CompleteToolInvocation',
  data: { run_id: R, lease_id: L, invocation_id, output_json: { ok: true }, duration_ms: 1 },
});

describe('agent run journal', () => {
  it('appends a step its caller did not wait for before the next, and the deferred model answer with the step after', async () => {
    const { store, appends } = memoryStore(leasedAndPrepared);
    const journal = await openJournal(store, agentRunStream, R);
    journal.defer(modelCall(1));
    await journal.record(start(1, I1));
    // The end of the tool call goes while the next model call runs.
    const ended = journal.record(complete(I1));
    journal.defer(modelCall(2));
    expect(journal.state()).to.deep.include({ status: 'running' });
    await journal.record(start(2, I2));
    await ended;
    expect(appends).to.deep.equal([
      ['ModelCallCompleted', 'ToolInvocationStarted'],
      ['ToolInvocationCompleted'],
      ['ModelCallCompleted', 'ToolInvocationStarted'],
    ]);
    const state = journal.state();
    if (state.status === 'none') throw new Error('the run vanished');
    expect(state.modelCalls).to.have.length(2);
    expect(state.invocations[I1]).to.deep.include({ status: 'completed' });
    expect(state.invocations[I2]).to.deep.include({ status: 'running' });
  });

  it('shows a step it is still appending in its state, so the next is decided against it', async () => {
    const { store } = memoryStore(leasedAndPrepared);
    const journal = await openJournal(store, agentRunStream, R);
    journal.defer(modelCall(1));
    await journal.record(start(1, I1));
    const ended = journal.record(complete(I1));
    const state = journal.state();
    if (state.status === 'none') throw new Error('the run vanished');
    expect(state.invocations[I1]).to.deep.include({ status: 'completed' });
    await ended;
  });

  it('fails every later step when an append fails, and appends none of them', async () => {
    const { store, appends, fail } = memoryStore(leasedAndPrepared);
    const journal = await openJournal(store, agentRunStream, R);
    journal.defer(modelCall(1));
    await journal.record(start(1, I1));
    fail(new Error('the database went away'));
    const ended = journal.record(complete(I1));
    journal.defer(modelCall(2));
    const next = journal.record(start(2, I2));
    const failures = await Promise.allSettled([ended, next]);
    expect(failures.map((f) => (f.status === 'rejected' ? (f.reason as Error).message : 'appended'))).to.deep.equal([
      'the database went away',
      'the database went away',
    ]);
    expect(appends).to.have.length(1);
  });

  it('records steps without reading the run, and after a takeover reads only the events past its own and refuses the step as the lease lost', async () => {
    const { store, appends } = memoryStore(leasedAndPrepared);
    const reads: ({ fromVersion?: number } | undefined)[] = [];
    const counting = { ...store, readStream: (id: string, o?: { fromVersion?: number }) => (reads.push(o), store.readStream(id, o)) } as EventStore;
    const journal = await openJournal(counting, agentRunStream, R, await store.readStream(`agentrun-${R}`));
    journal.defer(modelCall(1));
    await journal.record(start(1, I1));
    expect(reads).to.deep.equal([]);
    const takeover = { type: 'AgentRunLeased', data: { run_id: R, worker_key: 'other', lease_id: I2, lease_expires_at: '2999-01-01T00:00:00.000Z', attempt: 2 } };
    await store.append(`agentrun-${R}`, [takeover as NewEvent], { expectedVersion: 5 });
    const refused = await journal.record(complete(I1)).catch((e: unknown) => e);
    expect(refused).to.have.property('code', 'AGENT_RUN_LEASE_LOST');
    expect(reads).to.deep.equal([{ fromVersion: 6 }]);
    expect(appends).to.have.length(2);
  });
});
