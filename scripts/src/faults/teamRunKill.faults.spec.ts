import { expect } from 'chai';
import { createKnex } from '@agent-platform/infra';
import { describeOnEachPostgres, startScriptedOpenAiServer } from '@agent-platform/infra/testing';
import { freshWorkspace, send, sessionBody, startServer } from '../testing/server.js';
import { waitUntil } from './children.js';
import { cleanups, startPlatformChild } from './fixtures.js';

const LEASE_MS = 1_500;

/**
 * The process orchestrating a sequential team run is killed with SIGKILL while its second member's agent
 * run waits for the model. Another process resumes the member run once its lease runs out; its ending
 * wakes the team run there, which completes. The first member, which had finished, never runs again.
 */
describeOnEachPostgres('fault: the process running a team run is killed with SIGKILL', ({ db }) => {
  const after = cleanups();
  afterEach(async function () {
    this.timeout(60_000);
    await after.run();
  });

  it('resumes elsewhere: the finished member is not run again, the interrupted one is, and the team answers', async function () {
    this.timeout(90_000);
    const model = await startScriptedOpenAiServer();
    after.add(() => model.close());
    const knex = createKnex(db().url);
    after.add(() => knex.destroy());
    const env = {
      AGENT_PLATFORM_DATABASE_URL: db().url,
      AGENT_PLATFORM_PROVIDER_BASE_URL: model.baseURL,
      AGENT_PLATFORM_PROVIDER_API_KEY: 'test-key',
      AGENT_PLATFORM_AGENT_RUN_LEASE_MS: String(LEASE_MS),
    };
    const { child: first, url: url } = await startPlatformChild(after, 'platform 1', env);
    const workspace = { 'x-workspace-id': freshWorkspace() };
    const ok = async (path: string, body: unknown) => {
      const answer = await send(url, 'POST', path, { body, headers: workspace });
      expect(answer.status, JSON.stringify(answer.body)).to.be.oneOf([201, 202]);
      return answer.body as { id: string };
    };
    const members = [];
    for (const key of ['drafter', 'editor']) {
      const agent = await ok('/agents', { code: key, name: key });
      await ok('/agents/versions', { agent_id: agent.id, status: 'published', system_prompt: `You are the ${key}.` });
      members.push({ member_key: key, agent_id: agent.id, role: 'executor', responsibility: key });
    }
    const team = await ok('/teams', { code: 'writers', name: 'Writers' });
    await ok('/teams/versions', { team_id: team.id, status: 'published', coordination_mode: 'sequential', member_refs: members });
    const session = await ok('/sessions', sessionBody());
    // The process dies while the editor's model call hangs; the editor's resumed run gets the last reply.
    model.enqueue({ message: { content: 'A first draft.' } }, { hang: true }, { message: { content: 'The edited text.' } });
    const run = await ok('/teams/runs', { team_id: team.id, session_id: session.id, input_text: 'Write the launch note.', auto_execute: true });

    const events = (stream: string) => knex('ap_events').where({ stream_id: stream }).orderBy('stream_version').select<{ type: string; data: Record<string, unknown> }[]>('type', 'data');
    const teamJournal = () => events(`teamrun-${run.id}`);
    const chatCalls = () => model.requests.filter((r) => r.path === '/v1/chat/completions').length;
    await waitUntil(
      () => `the editor's member run called the model (${first.output()})`,
      async () => (await teamJournal()).filter((e) => e.type === 'TeamMemberStepStarted').length === 2 && chatCalls() === 2,
    );
    await first.kill();

    const second = await startServer(env);
    after.add(() => second.stop());
    let journal: string[] = [];
    await waitUntil(
      () => `the team run ended (its journal: ${journal.join(', ')})`,
      async () => {
        journal = (await teamJournal()).map((e) => e.type);
        return journal.some((type) => ['TeamRunCompleted', 'TeamRunFailed', 'TeamRunCancelled'].includes(type));
      },
      30_000,
    );
    const ended = await teamJournal();
    expect(ended.at(-1)).to.deep.include({ type: 'TeamRunCompleted' });
    expect(ended.at(-1)!.data).to.deep.include({ answer: 'The edited text.' });
    const steps = ended.filter((e) => e.type === 'TeamMemberStepStarted').map((e) => e.data);
    expect(steps.map((s) => s.member_key), 'each member step decided once').to.deep.equal(['drafter', 'editor']);
    expect(ended.filter((e) => e.type === 'TeamMemberStepEnded'), 'each member ending recorded once').to.have.length(2);
    for (const step of steps) {
      const memberRun = (await events(`agentrun-${step.agent_run_id as string}`)).map((e) => e.type);
      expect(memberRun.filter((t) => t === 'AgentRunQueued'), `${step.member_key as string}'s run created once`).to.have.length(1);
      expect(memberRun.filter((t) => t === 'AgentRunCompleted')).to.have.length(1);
    }
    const drafter = await events(`agentrun-${steps[0]!.agent_run_id as string}`);
    expect(drafter.filter((e) => e.type === 'AgentRunLeased'), 'the finished member was never run again').to.have.length(1);
    expect(chatCalls(), 'model calls: drafter, editor (interrupted), editor again').to.equal(3);
    const workers = new Set(ended.filter((e) => e.type === 'TeamRunLeased').map((e) => e.data.worker_key));
    expect(workers.size, 'the team run was driven by both processes').to.be.greaterThan(1);
  });
});
