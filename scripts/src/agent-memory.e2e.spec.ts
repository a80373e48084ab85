import { expect } from 'chai';
import { createLogger, createPool, loadConfig } from '@agent-platform/infra';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from '@agent-platform/infra/testing';
import { openDataKeys } from './dataKeys.js';
import { describeOnPlatform, eventually, minPosition, sessionBody, TEST_ENV, workspaceClient } from './testing/server.js';

/**
 * An agent's memory policy end to end: a completed run writes a conversation memory with its provenance,
 * a later run reads it into its prompt (seen at a scripted OpenAI-compatible server), and the log records
 * only which memories were read, never their text, so forgetting one keeps it out of every prompt after.
 */
let model: ScriptedOpenAiServer;
before(async () => {
  model = await startScriptedOpenAiServer();
});
after(async () => model?.close());

type StreamEvent = { type: string; global_position: number; data: Record<string, unknown> };

describeOnPlatform(
  'agent memory: runs read and write the memories of their scope',
  (server, databaseUrl) => {
    const { call, ok, headers } = workspaceClient(server, [200, 201, 202]);
    beforeEach(() => {
      model.requests.length = 0;
    });

    const POLICY = { enabled: true, write_enabled: true, memory_scope: 'session', read_top_k: 5, config_json: { write_importance_score: 80 } };
    const agentWith = async (memory_policy: Record<string, unknown>) => {
      const agent = await ok('POST', '/agents', { code: 'memo_agent', name: 'Remembers', agent_type: 'assistant' });
      await ok('POST', '/agents/versions', { agent_id: agent.id, status: 'published', system_prompt: 'You help.', model_config: { model: 'gpt-test' }, memory_policy });
      return agent.id as string;
    };
    const run = async (agentId: string, sessionId: string, input: string, reply: string) => {
      model.enqueue({ message: { content: reply } });
      const queued = await ok('POST', '/agents/runs', { agent_id: agentId, session_id: sessionId, input_text: input, auto_execute: false });
      const outcome = await call('POST', `/agents/runs/${queued.id}/execute`, { worker_key: 'test-worker' });
      expect(outcome.body, JSON.stringify(outcome.body)).to.deep.include({ status: 'completed', output_text: reply });
      return { runId: queued.id as string, position: outcome.body.position as number };
    };
    const streamOf = async (runId: string): Promise<StreamEvent[]> => (await call('GET', `/streams/agentrun-${runId}`)).body.events;
    const planOf = async (runId: string) => (await streamOf(runId)).find((e) => e.type === 'AgentRunPrepared')!.data as { memory: Record<string, unknown> };
    const lastPrompt = () => {
      const chats = model.requests.filter((r) => r.path === '/v1/chat/completions');
      return (chats.at(-1)!.body as { messages: { role: string; content: string }[] }).messages;
    };
    const memoriesOf = async (sessionId: string, position = 0) =>
      (await call('GET', `/memories?scope_type=session&scope_id=${sessionId}`, undefined, minPosition(position))).body.items as Record<string, unknown>[];

    it('writes a conversation memory with provenance, reads it into the next run by id, and leaves it out once forgotten', async () => {
      const agentId = await agentWith(POLICY);
      const session = (await ok('POST', '/sessions', sessionBody())).id as string;

      // Run 1 finds nothing to read and remembers its conversation.
      const first = await run(agentId, session, 'My locker code is 8841.', 'Noted.');
      expect((await planOf(first.runId)).memory).to.deep.include({ read: 'read', write: 'pending', scope_id: session, read_count: 0, read_memories: [] });
      const completed = (await streamOf(first.runId)).find((e) => e.type === 'AgentRunCompleted')!;
      const [written] = await eventually(async () => {
        const found = await memoriesOf(session);
        expect(found).to.have.length(1);
        return found;
      });
      expect(written).to.deep.include({
        memory_type: 'conversation',
        content_text: 'User: My locker code is 8841.\nAssistant: Noted.',
        importance_score: 80,
        provenance: { run_id: first.runId, agent_id: agentId, position: completed.global_position },
      });
      const one = await call('GET', `/memories/${String(written!.id)}`);
      expect(one.body.provenance).to.deep.equal(written!.provenance);
      const hits = await call('POST', '/memories/search', { query: 'locker code', scope_type: 'session', scope_id: session });
      expect(hits.body[0]).to.deep.include({ id: written!.id, provenance: written!.provenance });

      // Run 2 reads it: the model is sent its text; the run's log holds its id and score, and not its text.
      const second = await run(agentId, session, 'What is my locker code?', 'You told me before.');
      const plan = await planOf(second.runId);
      expect(plan.memory).to.deep.include({ read: 'read', read_count: 1 });
      expect((plan.memory.read_memories as { memory_id: string }[]).map((m) => m.memory_id)).to.deep.equal([written!.id]);
      // `is 8841` holds a space, which neither an id nor a ciphertext does: only the memory's text could put it there.
      expect(JSON.stringify(await streamOf(second.runId))).not.to.include('is 8841');
      const remembered = lastPrompt().filter((m) => m.role === 'system' && m.content.includes('My locker code is 8841.'));
      expect(remembered, JSON.stringify(lastPrompt())).to.have.length(1);
      const view = await call('GET', `/agents/runs/${second.runId}`, undefined, minPosition(second.position));
      expect(view.body.memory).to.deep.include({ read: 'read', read_count: 1 });
      // Run 1's own view: pending while it went, written once its memory is (the runs' projection may lag the memories').
      await eventually(async () => {
        const firstView = await call('GET', `/agents/runs/${first.runId}`);
        expect(firstView.body.memory).to.deep.include({ read: 'read', write: 'written', read_count: 0, scope_id: session });
      });

      // Forgotten, it is in no later prompt: a run reading the scope now finds only run 2's conversation.
      const forgotten = await ok('DELETE', `/memories/${String(written!.id)}`);
      await memoriesOf(session, forgotten.position);
      await run(agentId, session, 'And my locker code?', 'I do not know.');
      expect(JSON.stringify(lastPrompt())).not.to.include('is 8841');
    });

    it("reads the scope the policy names (the session's user), and writes nothing when writing is off", async () => {
      const agentId = await agentWith({ ...POLICY, memory_scope: 'user', write_enabled: false });
      const note = await ok('POST', '/memories', { scope_type: 'user', scope_id: 'user-memo', content_text: 'Prefers answers in French.', importance_score: 90 });
      const session = (await ok('POST', '/sessions', sessionBody({ user_id: 'user-memo' }))).id as string;
      await memoriesOf(session, note.position);
      const { runId } = await run(agentId, session, 'How should you answer me?', 'In French.');
      expect((await planOf(runId)).memory).to.deep.include({ read: 'read', write: 'disabled', memory_scope: 'user', scope_id: 'user-memo', read_count: 1 });
      expect(JSON.stringify(lastPrompt())).to.include('Prefers answers in French.');
      const later = await ok('POST', '/memories', { scope_type: 'user', scope_id: 'user-memo', content_text: 'A marker.' });
      const items = (await call('GET', '/memories?scope_type=user&scope_id=user-memo', undefined, minPosition(later.position))).body.items;
      expect(items.map((m: { content_text: string }) => m.content_text)).to.deep.equal(['A marker.', 'Prefers answers in French.']);
    });

    it('leaves out of the prompt a memory whose key is destroyed, before the read model has let it go', async () => {
      const agentId = await agentWith({ ...POLICY, write_enabled: false });
      const session = (await ok('POST', '/sessions', sessionBody())).id as string;
      const note = await ok('POST', '/memories', { scope_type: 'session', scope_id: session, content_text: 'My locker code is 5512.' });
      await memoriesOf(session, note.position);
      // What a forget does first, without the event that lets the read model go of it.
      const pool = createPool(databaseUrl(), 1);
      try {
        const config = loadConfig({ ...TEST_ENV, AGENT_PLATFORM_DATABASE_URL: databaseUrl() });
        const dataKeys = await openDataKeys(config, pool, { embedded: false }, createLogger('silent'));
        await dataKeys.destroyKey({ workspaceId: headers()['x-workspace-id']!, subject: `memory:${String(note.id)}` });
      } finally {
        await pool.end();
      }
      const { runId } = await run(agentId, session, 'What is my locker code?', 'I do not know.');
      expect((await planOf(runId)).memory).to.deep.include({ read_count: 1 });
      expect(JSON.stringify(lastPrompt())).not.to.include('5512');
    });

    it('skips team memory in a run of no team, and says so on the run', async () => {
      const agentId = await agentWith({ ...POLICY, memory_scope: 'team' });
      const session = (await ok('POST', '/sessions', sessionBody())).id as string;
      const { runId, position } = await run(agentId, session, 'Hello', 'Hi.');
      const view = await call('GET', `/agents/runs/${runId}`, undefined, minPosition(position));
      expect(view.body.memory).to.deep.include({ read: 'skipped', write: 'skipped', read_count: 0, scope_id: null });
      expect(view.body.memory.note).to.match(/of no team/);
    });

    it('gives a team’s member runs the team’s memories, and remembers their conversations for the team', async () => {
      const agentId = await agentWith({ ...POLICY, memory_scope: 'team' });
      const team = await ok('POST', '/teams', { code: 'memo_team', name: 'Remembers together', team_type: 'collaborative' });
      await ok('POST', '/teams/versions', {
        team_id: team.id,
        status: 'published',
        coordination_mode: 'sequential',
        objective: 'Answer',
        member_refs: [{ member_key: 'solo', agent_id: agentId, role: 'executor', responsibility: 'Answer' }],
      });
      const note = await ok('POST', '/memories', { scope_type: 'team', scope_id: team.id, content_text: 'The launch is on Monday.', importance_score: 90 });
      await call('GET', `/memories?scope_type=team&scope_id=${team.id}`, undefined, minPosition(note.position));
      const session = (await ok('POST', '/sessions', sessionBody())).id as string;
      const teamRun = await ok('POST', '/teams/runs', { team_id: team.id, session_id: session, input_text: 'When is the launch?' });
      model.enqueue({ message: { content: 'On Monday.' } });
      const outcome = await call('POST', `/teams/runs/${teamRun.id}/execute`, { worker_key: 'test-worker' });
      expect(outcome.body, JSON.stringify(outcome.body)).to.deep.include({ status: 'completed', output_text: 'On Monday.' });
      const memberRunId = outcome.body.member_runs[0].agent_run_id as string;
      expect((await planOf(memberRunId)).memory).to.deep.include({ read: 'read', write: 'pending', memory_scope: 'team', scope_id: team.id, read_count: 1 });
      expect(JSON.stringify(lastPrompt())).to.include('The launch is on Monday.');
      await eventually(async () => {
        const items = (await call('GET', `/memories?scope_type=team&scope_id=${team.id}`)).body.items as { memory_type: string }[];
        expect(items.map((m) => m.memory_type).sort()).to.deep.equal(['conversation', 'fact']);
      });
    });
  },
  { env: () => ({ AGENT_PLATFORM_PROVIDER_BASE_URL: model.baseURL, AGENT_PLATFORM_PROVIDER_API_KEY: 'test-key' }) },
);
