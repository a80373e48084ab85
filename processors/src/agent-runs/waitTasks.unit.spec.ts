import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { AGENT_RUNS_CATEGORY, HUMAN_TASKS_CATEGORY, streamId, toEnvelope, type RecordedEvent, type RunWait } from '@agent-platform/contracts';
import type { EventStore } from '@agent-platform/infra';
import { createInMemoryEventStore } from '@agent-platform/infra/testing';
import { contextFor } from '../runtime/run.js';
import { humanDecisions } from './humanDecisions.js';
import { waitTasks } from './waitTasks.js';

const WORKSPACE = 'ws-wait-tasks';
const metadata = { workspace_id: WORKSPACE };

/**
 * The reactions that make a run's waits durable, on the in-memory store: the task a recorded wait asks for
 * exists even when the runner died before creating it, and a task's end moves only the run waiting on it.
 */
describe('agent-run wait tasks and human decisions', () => {
  let store: EventStore;
  beforeEach(() => {
    store = createInMemoryEventStore();
  });

  /** A run whose runner recorded a wait and died before it created the task. */
  const waitingRun = async () => {
    const runId = randomUUID();
    const wait: RunWait = {
      run_id: runId,
      reason: 'input',
      task_id: randomUUID(),
      invocation_id: randomUUID(),
      step: 1,
      task: { task_type: 'input', title: 'A question', description: 'Which order?', request_payload_json: { question: 'Which order?' }, subject: null },
    };
    const queued = { run_id: runId, agent_id: randomUUID(), agent_version_id: randomUUID(), session_id: randomUUID(), input_text: 'hi', auto_execute: true, dry_run: false, team_run_id: null, member_key: null };
    const recorded = await store.append(
      streamId(AGENT_RUNS_CATEGORY, runId),
      [
        { type: 'AgentRunQueued', data: queued, metadata },
        { type: 'AgentRunAwaitingHuman', data: wait, metadata },
      ],
      { expectedVersion: 'no_stream' },
    );
    return { wait, awaiting: recorded.events.at(-1)! };
  };
  const deliver = async (processor: ReturnType<typeof waitTasks>, event: RecordedEvent, category: string) => {
    const envelope = toEnvelope(event, category);
    await processor.handle(envelope, contextFor(processor, envelope, 1));
  };
  const taskEvents = async (taskId: string) => (await store.readStream(streamId(HUMAN_TASKS_CATEGORY, taskId))).map((e) => e.type);

  it('creates the task a recorded wait asks for, once however often the wait is delivered', async () => {
    const { wait, awaiting } = await waitingRun();
    await deliver(waitTasks(store), awaiting, AGENT_RUNS_CATEGORY);
    await deliver(waitTasks(store), awaiting, AGENT_RUNS_CATEGORY);
    const [created, ...more] = await store.readStream(streamId(HUMAN_TASKS_CATEGORY, wait.task_id));
    expect(more).to.deep.equal([]);
    expect(created!.data).to.deep.include({ task_id: wait.task_id, task_type: 'input', run_id: wait.run_id, node_run_id: wait.invocation_id, description: 'Which order?', subject: null });
    expect(created!.metadata.workspace_id).to.equal(WORKSPACE);
  });

  it('cancels the open task of a run cancelled while it waits', async () => {
    const { wait, awaiting } = await waitingRun();
    await deliver(waitTasks(store), awaiting, AGENT_RUNS_CATEGORY);
    const cancelled = await store.append(streamId(AGENT_RUNS_CATEGORY, wait.run_id), [{ type: 'AgentRunCancelled', data: { run_id: wait.run_id, reason: null }, metadata }], { expectedVersion: 2 });
    await deliver(waitTasks(store), cancelled.events[0]!, AGENT_RUNS_CATEGORY);
    expect(await taskEvents(wait.task_id)).to.deep.equal(['HumanTaskCreated', 'HumanTaskCancelled']);
  });

  it('records the end of the task a run waits on, and of no other task naming the run', async () => {
    const { wait, awaiting } = await waitingRun();
    await deliver(waitTasks(store), awaiting, AGENT_RUNS_CATEGORY);
    const started: string[] = [];
    const decisions = humanDecisions({ store, executor: { start: async (runId) => ((started.push(runId), { done: Promise.resolve({} as never) })) }, workerKey: 'w', concurrency: 1 });
    // Another task, as POST /human/tasks would create it, naming the run.
    const other = randomUUID();
    const otherTask = await store.append(
      streamId(HUMAN_TASKS_CATEGORY, other),
      [
        { type: 'HumanTaskCreated', data: { task_id: other, task_type: 'input', title: 'x', description: null, run_id: wait.run_id, node_run_id: null, assigned_to: null, request_payload_json: {}, due_at: null, subject: null }, metadata },
        { type: 'HumanTaskCancelled', data: { task_id: other, reason: null, cancelled_by: null }, metadata },
      ],
      { expectedVersion: 'no_stream' },
    );
    await deliver(decisions, otherTask.events[1]!, HUMAN_TASKS_CATEGORY);
    expect(started).to.deep.equal([]);
    const answered = await store.append(
      streamId(HUMAN_TASKS_CATEGORY, wait.task_id),
      [{ type: 'HumanTaskCompleted', data: { task_id: wait.task_id, completed_by: 'ops-1', response_payload_json: { answer: 'A-17' }, comment: null }, metadata }],
      { expectedVersion: 1 },
    );
    await deliver(decisions, answered.events[0]!, HUMAN_TASKS_CATEGORY);
    // Delivered again: found recorded, and the run is driven again (an earlier delivery may have died before).
    await deliver(decisions, answered.events[0]!, HUMAN_TASKS_CATEGORY);
    const run = await store.readStream(streamId(AGENT_RUNS_CATEGORY, wait.run_id));
    expect(run.filter((e) => e.type === 'AgentRunResumed').map((e) => e.data)).to.deep.equal([
      { run_id: wait.run_id, task_id: wait.task_id, outcome: 'completed', acted_by: 'ops-1', comment: null, response_payload_json: { answer: 'A-17' }, approved_input: null },
    ]);
    expect(started).to.deep.equal([wait.run_id, wait.run_id]);
  });
});
