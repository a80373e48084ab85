import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { pino } from 'pino';
import {
  AGENT_RUNS_CATEGORY,
  AgentRunQueued,
  AGENTS_CATEGORY,
  SESSIONS_CATEGORY,
  streamId,
  type KnowledgeRef,
  type PreparedRun,
  type RecordedEvent,
  type RunCitation,
} from '@agent-platform/contracts';
import { agentDecider, agentRunDecider, isTakenElsewhere, sendCommand, sessionDecider } from '@agent-platform/command-api/commands';
import { createLocalModelProvider, type EventStore, type ModelProvider } from '@agent-platform/infra';
import { describeOnEachPostgres, openTestEventStore } from '@agent-platform/infra/testing';
import { createRunExecutor } from './executor.js';
import type { RunKnowledge } from './knowledge.js';
import type { RunMemories } from './memory.js';
import { PlanError } from './prepare.js';

const silent = pino({ level: 'silent' });
const WORKSPACE = 'ws-executor';

/** The store, counting what is read and appended per stream category. */
const counted = (store: EventStore) => {
  const reads: string[] = [];
  const appends: string[][] = [];
  const wrapped: EventStore = {
    ...store,
    readStream: (id, options) => {
      reads.push(id);
      return store.readStream(id, options);
    },
    append: (id, events, options) => {
      appends.push(events.map((e) => e.type));
      return store.append(id, events, options);
    },
  };
  return { store: wrapped, reads, appends };
};

const MEMORY_OFF = { enabled: false, memory_scope: 'session' as const, read_top_k: 5, write_enabled: false, config_json: {} };

/** An agent with a published version and an open session, then a run of it queued: what the command API appends. */
const queueRun = async (store: EventStore, memory_policy = MEMORY_OFF, knowledge_refs: KnowledgeRef[] = []): Promise<{ runId: string; queued: RecordedEvent[] }> => {
  const ctx = { workspaceId: WORKSPACE };
  const agentId = randomUUID();
  const versionId = randomUUID();
  const sessionId = randomUUID();
  const agentStream = streamId(AGENTS_CATEGORY, agentId);
  await sendCommand(store, agentDecider, agentStream, { type: 'CreateAgent', data: { agent_id: agentId, code: `a-${agentId}`, name: 'A', agent_type: 'assistant', workspace_id: WORKSPACE } }, ctx);
  await sendCommand(
    store,
    agentDecider,
    agentStream,
    {
      type: 'CreateAgentVersion',
      data: {
        agent_id: agentId,
        version_id: versionId,
        workspace_id: WORKSPACE,
        status: 'published',
        role: null,
        goal: null,
        system_prompt: 'You answer briefly.',
        model_config: { react_enabled: false, react_max_steps: 5, ask_human_enabled: false },
        memory_policy,
        tool_refs: [],
        skill_refs: [],
        knowledge_refs,
      },
    },
    ctx,
  );
  await sendCommand(
    store,
    sessionDecider,
    streamId(SESSIONS_CATEGORY, sessionId),
    { type: 'OpenSession', data: { session_id: sessionId, workspace_id: WORKSPACE, app_id: 'app', user_id: 'user', channel_type: 'web' } },
    ctx,
    { newStream: true },
  );
  const runId = randomUUID();
  const result = await sendCommand(
    store,
    agentRunDecider,
    streamId(AGENT_RUNS_CATEGORY, runId),
    {
      type: 'QueueAgentRun',
      data: { run_id: runId, agent_id: agentId, agent_version_id: versionId, session_id: sessionId, input_text: 'Hello?', auto_execute: true, dry_run: false, workspace_id: WORKSPACE },
    },
    ctx,
    { newStream: true },
  );
  return { runId, queued: result.events };
};

describeOnEachPostgres('agent-run executor', ({ db }) => {
  let opened: Awaited<ReturnType<typeof openTestEventStore>> | undefined;
  let store: EventStore;
  before(async () => {
    opened = await openTestEventStore(db().url, 10);
    store = opened.store;
  });
  after(() => opened?.close());

  const executorOn = (on: EventStore, models: ModelProvider = createLocalModelProvider()) =>
    createRunExecutor({ store: on, models, secrets: new Map(), callTool: () => Promise.reject(new Error('no tools here')), log: silent, leaseMs: 15_000, maxAttempts: 5 });

  /** The store, with every append that leases a run held back `ms` first; `leaseAppended` says when the first landed. */
  const slowLeases = (ms: number) => {
    const timeline: string[] = [];
    const slow: EventStore = {
      ...store,
      append: async (id, events, options) => {
        if (!events.some((e) => e.type === 'AgentRunLeased')) return store.append(id, events, options);
        await new Promise((r) => setTimeout(r, ms));
        try {
          return await store.append(id, events, options);
        } finally {
          timeline.push('lease appended');
        }
      },
    };
    return { store: slow, timeline };
  };

  it('fails a run whose model call throws unexpectedly at every lease once it was leased maxAttempts times in a row', async () => {
    const { runId } = await queueRun(store);
    const broken: ModelProvider = { ...createLocalModelProvider(), chat: () => Promise.reject(new TypeError('a bug in the model adapter')) };
    const executor = createRunExecutor({ store, models: broken, secrets: new Map(), callTool: () => Promise.reject(new Error('no tools')), log: silent, leaseMs: 300, maxAttempts: 2 });
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      if (i) await new Promise((r) => setTimeout(r, 320)); // the lease of the failed attempt runs out
      outcomes.push(
        await executor
          .start(runId, { workerKey: `worker-${i}` })
          .then(({ done }) => done)
          .then((o) => `${o.status} ${o.error?.code} after ${o.attempts}`, (e: Error) => e.message),
      );
    }
    expect(outcomes).to.deep.equal(['a bug in the model adapter', 'a bug in the model adapter', 'failed AGENT_RUN_ATTEMPTS_EXHAUSTED after 3']);
    await executor.stop();
  });

  it('reads the memories of a resumed run again by the ids its plan recorded, leaving out one forgotten meanwhile', async () => {
    const { runId } = await queueRun(store, { ...MEMORY_OFF, enabled: true });
    const memoryId = randomUUID();
    const state = { forgotten: false, texts: 0 };
    const memories: RunMemories = {
      search: () => Promise.resolve([{ memory_id: memoryId, score: 0.9 }]),
      texts: (_workspace, ids) => {
        state.texts += 1;
        // The first attempt dies just before its model call; the memory is forgotten before the run resumes.
        if (state.texts === 1) {
          state.forgotten = true;
          return Promise.reject(new TypeError('the worker died'));
        }
        return Promise.resolve(state.forgotten ? [] : ids.map(() => 'My locker code is 8841.'));
      },
    };
    const prompts: string[] = [];
    const local = createLocalModelProvider();
    const models: ModelProvider = { ...local, chat: (request, options) => (prompts.push(JSON.stringify(request.messages)), local.chat(request, options)) };
    const executor = createRunExecutor({ store, models, memories, secrets: new Map(), callTool: () => Promise.reject(new Error('no tools')), log: silent, leaseMs: 300, maxAttempts: 3 });
    const first = await executor
      .start(runId, { workerKey: 'worker-1' })
      .then(({ done }) => done)
      .catch((e: Error) => e);
    expect(first).to.be.instanceOf(TypeError);
    await new Promise((r) => setTimeout(r, 320)); // the lease of the dead attempt runs out
    const { done } = await executor.start(runId, { workerKey: 'worker-2' });
    expect(await done).to.deep.include({ status: 'completed', attempts: 2 });
    await executor.stop();
    const plans = (await store.readStream(streamId(AGENT_RUNS_CATEGORY, runId))).filter((e) => e.type === 'AgentRunPrepared');
    expect(plans.map((e) => (e.data as PreparedRun).memory.read_memories)).to.deep.equal([[{ memory_id: memoryId, score: 0.9 }]]);
    expect(state.texts).to.equal(2);
    expect(prompts).to.have.length(1);
    expect(prompts[0]).not.to.include('8841');
  });

  it('cites the best chunks of each knowledge base of the version, by id, and gives their text to the model only when it is sent', async () => {
    const bases = [randomUUID(), randomUUID()];
    const { runId } = await queueRun(store, MEMORY_OFF, [
      { knowledge_base_id: bases[0]!, top_k: 2 },
      { knowledge_base_id: bases[1]!, top_k: 1 },
    ]);
    const documentId = randomUUID();
    const chunk = (base: string, index: number, score: number): RunCitation => ({ knowledge_base_id: base, document_id: documentId, chunk_id: `${documentId}:${index}`, chunk_index: index, score });
    const searched: unknown[] = [];
    const state = { sends: 0 };
    const knowledge: RunKnowledge = {
      cite: (_workspace, refs, query) => {
        searched.push({ refs, query });
        return Promise.resolve(refs.flatMap((ref, n) => (n === 0 ? [chunk(ref.knowledge_base_id, 0, 0.9), chunk(ref.knowledge_base_id, 1, 0.5)] : [chunk(ref.knowledge_base_id, 3, 0.4)])));
      },
      // The first attempt dies just before its model call; the document of chunk 1 is deleted before the run resumes.
      chunks: (_workspace, citations) => {
        state.sends += 1;
        if (state.sends === 1) return Promise.reject(new TypeError('the worker died'));
        return Promise.resolve(
          citations.filter((c) => c.chunk_index !== 1).map((c) => ({ chunk_id: c.chunk_id, document_id: c.document_id, document_title: 'Refunds', content_text: `Chunk ${c.chunk_index} text.` })),
        );
      },
    };
    const prompts: { role: string; content: string | null }[][] = [];
    const local = createLocalModelProvider();
    const models: ModelProvider = { ...local, chat: (request, options) => (prompts.push(request.messages as never), local.chat(request, options)) };
    const executor = createRunExecutor({ store, models, knowledge, secrets: new Map(), callTool: () => Promise.reject(new Error('no tools')), log: silent, leaseMs: 300, maxAttempts: 3 });
    expect(await executor.start(runId, { workerKey: 'worker-1' }).then(({ done }) => done).catch((e: Error) => e)).to.be.instanceOf(TypeError);
    await new Promise((r) => setTimeout(r, 320)); // the lease of the dead attempt runs out
    const { done } = await executor.start(runId, { workerKey: 'worker-2' });
    expect(await done).to.deep.include({ status: 'completed', attempts: 2 });
    await executor.stop();

    expect(searched).to.have.length(1); // planned once: the resumed run cites what the plan recorded
    expect(searched[0]).to.deep.equal({ refs: [{ knowledge_base_id: bases[0], top_k: 2 }, { knowledge_base_id: bases[1], top_k: 1 }], query: 'Hello?' });
    const plans = (await store.readStream(streamId(AGENT_RUNS_CATEGORY, runId))).filter((e) => e.type === 'AgentRunPrepared');
    expect(plans.map((e) => (e.data as PreparedRun).citations)).to.deep.equal([[chunk(bases[0]!, 0, 0.9), chunk(bases[0]!, 1, 0.5), chunk(bases[1]!, 3, 0.4)]]);
    expect(JSON.stringify(plans)).not.to.include('text.');
    expect(prompts).to.have.length(1);
    const [system, cited, input] = prompts[0]!;
    expect(system).to.deep.equal({ role: 'system', content: 'You answer briefly.' });
    expect(cited!.role).to.equal('system');
    expect(cited!.content).to.match(/^Knowledge: /).and.include('[1] Refunds\nChunk 0 text.').and.include('[2] Refunds\nChunk 3 text.').and.not.include('Chunk 1');
    expect(input).to.deep.equal({ role: 'user', content: 'Hello?' });
  });

  it('fails a run whose version names knowledge bases in a process that cannot search them, instead of answering without them', async () => {
    const { runId } = await queueRun(store, MEMORY_OFF, [{ knowledge_base_id: randomUUID(), top_k: 3 }]);
    const executor = executorOn(store);
    const { done } = await executor.start(runId, { workerKey: 'worker-1' });
    expect(await done).to.deep.include({ status: 'failed', error: { code: 'KNOWLEDGE_UNAVAILABLE', message: 'this agent version searches knowledge bases, and knowledge search is not available in this process' } });
    await executor.stop();
  });

  it('joins a second start of a run it is still leasing, reading and leasing nothing more', async () => {
    const { runId, queued } = await queueRun(store);
    const seen = counted(store);
    const executor = executorOn(seen.store);
    // The eager start with the queued event in hand, and the processor's, which arrives while the first leases.
    const [eager, processor] = await Promise.all([
      executor.start(runId, { workerKey: 'worker-1', known: queued }),
      executor.start(runId, { workerKey: 'worker-1' }),
    ]);
    const [first, second] = await Promise.all([eager.done, processor.done]);
    expect(first).to.deep.include({ status: 'completed', attempts: 1 });
    expect(second).to.deep.equal(first);
    expect(seen.reads.filter((id) => id.startsWith(`${AGENT_RUNS_CATEGORY}-`))).to.deep.equal([]);
    expect(seen.appends.filter((types) => types.includes('AgentRunLeased'))).to.have.length(1);
    await executor.stop();
  });

  it('records the plan made while the run was queued, reading nothing more to plan it', async () => {
    const { runId, queued } = await queueRun(store);
    const request = AgentRunQueued.schema.parse(queued[0]!.data);
    const planned = executorOn(store).plan({ request, workspaceId: WORKSPACE, dryRun: false });
    const seen = counted(store);
    const executor = executorOn(seen.store);
    const { done } = await executor.start(runId, { workerKey: 'worker-1', known: queued, planned });
    expect(await done).to.deep.include({ status: 'completed', steps: 1 });
    expect(seen.reads).to.deep.equal([]);
    const prepared = (await store.readStream(streamId(AGENT_RUNS_CATEGORY, runId))).find((e) => e.type === 'AgentRunPrepared');
    expect(prepared?.data).to.deep.include(await planned);
    await executor.stop();
  });

  it('fails a run whose plan, made while it was queued, found its definition wrong', async () => {
    const { runId, queued } = await queueRun(store);
    const executor = executorOn(store);
    const planned = Promise.reject(new PlanError({ code: 'TOOL_NOT_FOUND', message: 'tool lookup does not exist in this workspace' }));
    const { done } = await executor.start(runId, { workerKey: 'worker-1', known: queued, planned });
    expect(await done).to.deep.include({ status: 'failed', error: { code: 'TOOL_NOT_FOUND', message: 'tool lookup does not exist in this workspace' } });
    await executor.stop();
  });

  it('makes the first model call while the lease is still being appended, and records its answer after it', async () => {
    const { runId, queued } = await queueRun(store);
    const { store: slow, timeline } = slowLeases(150);
    const local = createLocalModelProvider();
    const models: ModelProvider = {
      ...local,
      chat: (request, options) => {
        timeline.push('model called');
        return local.chat(request, options);
      },
    };
    const executor = executorOn(slow, models);
    const { done } = await executor.start(runId, { workerKey: 'worker-1', known: queued });
    expect(await done).to.deep.include({ status: 'completed', steps: 1 });
    expect(timeline).to.deep.equal(['model called', 'lease appended']);
    const types = (await store.readStream(streamId(AGENT_RUNS_CATEGORY, runId))).map((e) => e.type);
    expect(types).to.deep.equal(['AgentRunQueued', 'AgentRunLeased', 'AgentRunPrepared', 'ModelCallCompleted', 'AgentRunCompleted']);
    await executor.stop();
  });

  it('stops the model call of a lease that lost the race, and tells its caller that another worker has the run', async () => {
    const { runId } = await queueRun(store);
    const { store: slow } = slowLeases(150);
    let aborted = false;
    const hanging: ModelProvider = {
      ...createLocalModelProvider(),
      chat: (_request, options) =>
        new Promise((_resolve, reject) => {
          options?.signal?.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
    };
    const loser = executorOn(slow, hanging);
    const winner = executorOn(store);
    const losing = loser.start(runId, { workerKey: 'worker-slow' });
    const won = await winner.start(runId, { workerKey: 'worker-fast' });
    expect(await won.done).to.deep.include({ status: 'completed', worker_key: 'worker-fast', attempts: 1 });
    const refused = await losing.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isTakenElsewhere(refused), String(refused)).to.equal(true);
    expect(aborted).to.equal(true);
    const types = (await store.readStream(streamId(AGENT_RUNS_CATEGORY, runId))).map((e) => e.type);
    expect(types.filter((t) => t === 'AgentRunLeased')).to.have.length(1);
    await Promise.all([loser.stop(), winner.stop()]);
  });

  it('lets an execute join a run it drives without reading it, and reads it for another workspace', async () => {
    const { runId, queued } = await queueRun(store);
    const seen = counted(store);
    // The model answers once the executes below have started, so the run is still being driven.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const local = createLocalModelProvider();
    const executor = executorOn(seen.store, { ...local, chat: async (request, options) => {
        await gate;
        return local.chat(request, options);
      },
    });
    const { done } = await executor.start(runId, { workerKey: 'worker-1', known: queued });
    expect(executor.drivenHere(runId)).to.deep.equal({ workspaceId: WORKSPACE });
    const elsewhere = await executor.execute(runId, 'ws-other', { workerKey: 'client', waitMs: 5_000 }).catch(
      (error: unknown) => error,
    );
    expect(elsewhere).to.have.property('code', 'AGENT_RUN_NOT_FOUND');
    const runReads = () => seen.reads.filter((id) => id.startsWith(`${AGENT_RUNS_CATEGORY}-`)).length;
    const readsBefore = runReads();
    const executing = executor.execute(runId, WORKSPACE, { workerKey: 'client', waitMs: 5_000 });
    release();
    const executed = await executing;
    expect(executed).to.deep.include({ settled: true });
    expect(executed.outcome).to.deep.equal(await done);
    expect(runReads()).to.equal(readsBefore);
    expect(executor.drivenHere(runId)).to.equal(undefined);
    await executor.stop();
  });
});
