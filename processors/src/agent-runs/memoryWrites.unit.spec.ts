import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { AGENT_RUNS_CATEGORY, AGENTS_CATEGORY, AgentRunCompleted, MEMORIES_CATEGORY, streamId, toEnvelope, type RecordedEvent } from '@agent-platform/contracts';
import { createInMemoryDataKeys, createLocalEmbeddingProvider, type EventStore } from '@agent-platform/infra';
import { createInMemoryEventStore } from '@agent-platform/infra/testing';
import { contextFor } from '../runtime/run.js';
import { memoryWrites } from './memoryWrites.js';

const WORKSPACE = 'ws-run-memories';
const memory = { read: 'disabled', write: 'pending', memory_scope: 'session', read_top_k: 5, read_count: 0, read_memories: [], note: null };

/** The writer reads and appends through the EventStore and DataKeys ports alone: their in-memory adapters serve it. */
describe('agent-run memory writes', () => {
  let store: EventStore;
  const services = () => ({ dataKeys: createInMemoryDataKeys(), embeddings: createLocalEmbeddingProvider() });
  beforeEach(() => {
    store = createInMemoryEventStore();
  });

  /** A run of an agent whose version writes memories with this importance, queued and planned as the runner leaves it. */
  const plannedRun = async (plan: Record<string, unknown> = memory, dryRun = false) => {
    const run = { run_id: randomUUID(), agent_id: randomUUID(), agent_version_id: randomUUID(), session_id: randomUUID() };
    const metadata = { workspace_id: WORKSPACE };
    const policy = { enabled: false, memory_scope: 'session', read_top_k: 5, write_enabled: true, config_json: { write_importance_score: 70 } };
    await store.append(
      streamId(AGENTS_CATEGORY, run.agent_id),
      [{ type: 'AgentVersionCreated', data: { agent_id: run.agent_id, version_id: run.agent_version_id, version_no: 1, role: null, goal: null, system_prompt: null, model_config: {}, memory_policy: policy, tool_refs: [], skill_refs: [] }, metadata }],
      { expectedVersion: 'no_stream' },
    );
    await store.append(
      streamId(AGENT_RUNS_CATEGORY, run.run_id),
      [
        { type: 'AgentRunQueued', data: { ...run, input_text: 'Where is order 1?', auto_execute: true, dry_run: dryRun, team_run_id: null, member_key: null }, metadata },
        { type: 'AgentRunPrepared', data: { run_id: run.run_id, memory: { ...plan, scope_id: run.session_id } }, metadata },
      ],
      { expectedVersion: 'no_stream' },
    );
    return run;
  };

  /** The run's completion as the broker delivers it, at log position 41; the same event on every delivery. */
  const completion = (run: { run_id: string }): RecordedEvent => ({
    global_position: 41,
    transaction_id: '1',
    stream_id: streamId(AGENT_RUNS_CATEGORY, run.run_id),
    stream_version: 3,
    event_id: randomUUID(),
    type: AgentRunCompleted.type,
    schema_version: 2,
    data: { run_id: run.run_id, answer: 'It has shipped.', usage: { prompt_tokens: 1, completion_tokens: 1 } },
    metadata: { workspace_id: WORKSPACE },
    recorded_at: new Date().toISOString(),
  });
  const deliver = async (processor: ReturnType<typeof memoryWrites>, event: RecordedEvent) => {
    const envelope = toEnvelope(event, AGENT_RUNS_CATEGORY);
    await processor.handle(envelope, contextFor(processor, envelope, 1));
  };
  const written = async () => {
    const events = await store.readAll({ after: { transactionId: '0', globalPosition: 0 }, limit: 100 });
    return events.events.filter((e) => e.stream_id.startsWith(`${MEMORIES_CATEGORY}-`)).map((e) => e.data as Record<string, unknown>);
  };

  it("writes one conversation memory to the plan's scope, with the run, agent and completion's position, however often the completion comes", async () => {
    const run = await plannedRun();
    const processor = memoryWrites(store, services());
    const event = completion(run);
    await deliver(processor, event);
    await deliver(processor, event);
    const memories = await written();
    expect(memories).to.have.length(1);
    expect(memories[0]).to.deep.include({
      scope_type: 'session',
      scope_id: run.session_id,
      memory_type: 'conversation',
      importance_score: 70,
      provenance: { run_id: run.run_id, agent_id: run.agent_id, position: 41 },
    });
    // Sealed: the conversation's text is not in the log.
    expect(JSON.stringify(memories)).not.to.include('shipped');
  });

  it('writes nothing for a plan that does not write, or a dry run', async () => {
    const processor = memoryWrites(store, services());
    await deliver(processor, completion(await plannedRun({ ...memory, write: 'disabled' })));
    await deliver(processor, completion(await plannedRun({ ...memory, write: 'unavailable' })));
    await deliver(processor, completion(await plannedRun(memory, true)));
    expect(await written()).to.deep.equal([]);
  });

  it('does not write again a memory forgotten before the completion came again', async () => {
    const run = await plannedRun();
    const keys = services();
    const processor = memoryWrites(store, keys);
    await deliver(processor, completion(run));
    const [first] = await written();
    await keys.dataKeys.destroyKey({ workspaceId: WORKSPACE, subject: `memory:${String(first!.memory_id)}` });
    await deliver(processor, completion(run));
    expect(await written()).to.have.length(1);
  });
});
