import { expect } from 'chai';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from '@agent-platform/infra/testing';
import { describeOnPlatform, eventually, minPosition, sessionBody, workspaceClient } from './testing/server.js';

/**
 * Team runs end to end, every member step an agent run against a model behind the official `openai`
 * client: a scripted OpenAI-compatible server this test starts. What the script does not answer, its
 * fallback (the local model) answers with `You said: <the member's input>`, which is what parallel
 * members get (their calls arrive in any order).
 */
let model: ScriptedOpenAiServer;
before(async () => {
  model = await startScriptedOpenAiServer();
});
after(async () => model?.close());
const reply = (content: string) => ({ message: { content } });

describeOnPlatform(
  'team runs: every coordination mode against a scripted model, cancellation and failure policies',
  (server) => {
    const { call, ok } = workspaceClient(server, [200, 201, 202]);
    beforeEach(() => {
      model.requests.length = 0;
    });
    afterEach(() => expect(model.pending(), 'every scripted reply was used').to.equal(0));

    /** A published team of agents keyed `lead` (the supervisor), `x`, `y`, and a run of it. */
    const teamRun = async (mode: string, config: Record<string, unknown> = {}, keys = ['lead', 'x', 'y']) => {
      const members = [];
      for (const key of keys) {
        const agent = await ok('POST', '/agents', { code: `agent_${key}`, name: key });
        await ok('POST', '/agents/versions', { agent_id: agent.id, status: 'published', system_prompt: `You are ${key}.`, model_config: { model: 'gpt-test' } });
        members.push({ member_key: key, agent_id: agent.id, role: key === 'lead' ? 'supervisor' : 'executor', responsibility: `${key}'s part` });
      }
      const team = await ok('POST', '/teams', { code: `team_${mode}`, name: mode });
      await ok('POST', '/teams/versions', { team_id: team.id, status: 'published', coordination_mode: mode, objective: 'Ship the launch', member_refs: members, config_json: config });
      const session = await ok('POST', '/sessions', sessionBody());
      const run = await ok('POST', '/teams/runs', { team_id: team.id, session_id: session.id, input_text: 'Plan the launch.' });
      return run.id as string;
    };
    const execute = async (runId: string, body: Record<string, unknown> = {}) => {
      const answer = await call('POST', `/teams/runs/${runId}/execute`, { worker_key: 'team-worker-1', ...body });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      return answer.body;
    };
    const steps = (outcome: { member_runs: { member_key: string; purpose: string; status: string }[] }) =>
      outcome.member_runs.map((m) => `${m.member_key}:${m.purpose}:${m.status}`);
    const inputs = () => model.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => (r.body as { messages: { role: string; content: string }[] }).messages.at(-1)!.content);

    it('sequential: each member is given the previous member’s output; the last answer is the team’s', async () => {
      const runId = await teamRun('sequential', {}, ['x', 'y']);
      model.enqueue(reply('Draft: launch on Monday.'), reply('Final: launch on Monday at 9.'));
      const outcome = await execute(runId);
      expect(outcome).to.include({ status: 'completed', output_text: 'Final: launch on Monday at 9.', dry_run: false });
      expect(steps(outcome)).to.deep.equal(['x:work:completed', 'y:work:completed']);
      const [first, second] = inputs();
      expect(first).to.contain('Task: Plan the launch.').and.not.contain('previous member');
      expect(second).to.contain('The previous member (x) answered:\nDraft: launch on Monday.');
      // The team's answer joins the session; its members' answers are the team's, not the session's.
      const messages = async () => (await call('GET', `/sessions/${outcome.session_id}/messages`)).body.items as { role: string; content_text: string; metadata_json: object }[];
      await eventually(async () => expect(await messages()).to.have.length(1));
      await new Promise((r) => setTimeout(r, 500));
      const [message, ...more] = await messages();
      expect(more).to.deep.equal([]);
      expect(message).to.deep.include({ role: 'assistant', content_text: 'Final: launch on Monday at 9.', metadata_json: { team_run_id: runId } });
    });

    it('parallel: members run at once, then the supervisor merges their answers', async () => {
      const runId = await teamRun('parallel');
      const outcome = await execute(runId);
      expect(steps(outcome)).to.deep.equal(['x:work:completed', 'y:work:completed', 'lead:merge:completed']);
      const merge = inputs().at(-1)!;
      expect(merge).to.contain('[x]\nYou said:').and.contain('[y]\nYou said:').and.contain('Merge their answers');
      expect(outcome.output_text).to.match(/^You said: .*Merge their answers/s);
      // A real fan-out: the second member's run was queued before the first one ended.
      const members = await call('GET', `/teams/runs/${runId}/member-runs`, undefined, minPosition(outcome.position));
      const [x, y] = members.body.items;
      expect(Date.parse(y.started_time)).to.be.lessThan(Date.parse(x.finished_time));
    });

    it('parallel with merge_strategy concatenate: every member works, and the answers are joined', async () => {
      const runId = await teamRun('parallel', { merge_strategy: 'concatenate' });
      const outcome = await execute(runId);
      expect(steps(outcome)).to.deep.equal(['lead:work:completed', 'x:work:completed', 'y:work:completed']);
      expect(outcome.output_text).to.match(/^\[lead\]\nYou said: .*\n\n\[x\]\nYou said: .*\n\n\[y\]\nYou said: /s);
    });

    it('supervisor: plans as structured JSON, members do what they were assigned, the supervisor reviews and answers', async () => {
      const runId = await teamRun('supervisor');
      model.enqueue(
        reply('```json\n{"assignments":[{"member_key":"y","task":"Count the budget"}]}\n```'),
        reply('The budget is 10k.'),
        reply('{"final_answer":"Launch Monday; budget 10k."}'),
      );
      const outcome = await execute(runId);
      expect(outcome).to.include({ status: 'completed', output_text: 'Launch Monday; budget 10k.' });
      expect(steps(outcome)).to.deep.equal(['lead:plan:completed', 'y:work:completed', 'lead:review:completed']);
      const [plan, work, review] = inputs();
      expect(plan).to.contain('"assignments"').and.contain('- x (executor)').and.contain('- y (executor)');
      expect(work).to.contain('Your assignment: Count the budget');
      expect(review).to.contain('[y]\nThe budget is 10k.');
    });

    it('supervisor: a review that assigns more work runs another round, bounded by max_rounds', async () => {
      const runId = await teamRun('supervisor', { max_rounds: 2 });
      const again = '{"assignments":[{"member_key":"x","task":"Check again"}]}';
      model.enqueue(reply('{"assignments":[{"member_key":"x","task":"Check"}]}'), reply('checked'), reply(again), reply('checked twice'), reply(again));
      const outcome = await execute(runId);
      expect(steps(outcome)).to.deep.equal(['lead:plan:completed', 'x:work:completed', 'lead:review:completed', 'x:work:completed', 'lead:review:completed']);
      expect(outcome.member_runs.map((m: { round: number }) => m.round)).to.deep.equal([1, 1, 1, 2, 2]);
      expect(outcome.output_text).to.equal(again);
    });

    it('round_robin: members take turns on the shared transcript until one answers with the finish marker', async () => {
      const runId = await teamRun('round_robin', {}, ['x', 'y']);
      model.enqueue(reply('I propose Monday.'), reply('Agreed. FINAL ANSWER: Monday it is.'));
      const outcome = await execute(runId);
      expect(outcome).to.include({ status: 'completed', output_text: 'Monday it is.' });
      expect(steps(outcome)).to.deep.equal(['x:turn:completed', 'y:turn:completed']);
      expect(inputs()[1]).to.contain('[x]\nI propose Monday.');
    });

    it('fail_fast: a member that fails ends the team run, and no later member runs', async () => {
      const runId = await teamRun('sequential', {}, ['x', 'y']);
      model.enqueue({ status: 400, body: { error: { message: 'bad request' } } });
      const outcome = await execute(runId);
      expect(outcome).to.include({ status: 'failed' });
      expect(outcome.error.code).to.equal('TEAM_MEMBER_FAILED');
      expect(steps(outcome)).to.deep.equal(['x:work:failed']);
    });

    it('continue: a member that fails is left out, and the team answers with the others', async () => {
      const runId = await teamRun('parallel', { failure_policy: 'continue', merge_strategy: 'concatenate' }, ['x', 'y']);
      model.enqueue({ status: 400, body: { error: { message: 'bad request' } } });
      const outcome = await execute(runId);
      expect(outcome.status).to.equal('completed');
      expect(outcome.member_runs.map((m: { status: string }) => m.status).sort()).to.deep.equal(['completed', 'failed']);
      expect(outcome.output_text).to.match(/^\[(x|y)\]\nYou said: /).and.not.contain('\n\n[');
    });

    it('cancelling a team run cancels its member runs that have not ended', async () => {
      const runId = await teamRun('parallel', { merge_strategy: 'concatenate' }, ['x', 'y']);
      model.enqueue({ hang: true }, { hang: true });
      const going = await call('POST', `/teams/runs/${runId}/execute`, { worker_key: 'team-worker-1', wait: false });
      expect(going.status).to.equal(202);
      const members = await eventually(async () => {
        const answer = await call('GET', `/teams/runs/${runId}/member-runs`);
        expect(answer.body.items).to.have.length(2);
        return answer.body.items as { agent_run_id: string }[];
      });
      await eventually(async () => expect(model.requests.filter((r) => r.path === '/v1/chat/completions')).to.have.length(2));
      const cancelled = await call('POST', `/teams/runs/${runId}/cancel`, { reason: 'changed my mind' });
      expect(cancelled.status).to.equal(202);
      for (const member of members) {
        await eventually(async () => expect((await call('GET', `/agents/runs/${member.agent_run_id}`)).body.status).to.equal('cancelled'));
      }
      const run = await call('GET', `/teams/runs/${runId}`);
      expect(run.body.status).to.equal('cancelled');
    });
  },
  { env: () => ({ AGENT_PLATFORM_PROVIDER_BASE_URL: model.baseURL, AGENT_PLATFORM_PROVIDER_API_KEY: 'test-key' }) },
);
