import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { describeOnPlatform, expectProblem, fieldsOf, minPosition, sessionBody, wholeLog, workspaceClient } from './testing/server.js';

/**
 * The seed's team-service examples, direct and under /gateway, and the refusals of every team route. The
 * coordination modes against a model are in team-runs.e2e.spec.ts.
 */
describeOnPlatform('teams: definitions, runs, execute and the worker claim API', (server) => {
  const { call, ok } = workspaceClient(server, [200, 201, 202]);

  const agent = async (prefix: string, code: string) => {
    const created = await ok('POST', `${prefix}/agents`, { code, name: code, agent_type: 'assistant' });
    await ok('POST', `${prefix}/agents/versions`, { agent_id: created.id, status: 'published', system_prompt: `You are ${code}.` });
    return created.id as string;
  };
  /** The seed's examples, with its placeholder ids replaced by real ones. */
  const seedTeam = async (prefix = '') => {
    const [lead, writer] = [await agent(prefix, 'agent_lead'), await agent(prefix, 'agent_writer')];
    const team = await ok('POST', `${prefix}/teams`, { code: 'research_team', name: 'Research Team', team_type: 'collaborative' });
    const version = await ok('POST', `${prefix}/teams/versions`, {
      team_id: team.id,
      status: 'published',
      coordination_mode: 'supervisor',
      objective: 'Research and summarize complex questions',
      member_refs: [
        { member_key: 'lead', agent_id: lead, role: 'supervisor', responsibility: 'Plan and assign work' },
        { member_key: 'writer', agent_id: writer, role: 'executor', responsibility: 'Draft final answer' },
      ],
    });
    const session = await ok('POST', `${prefix}/sessions`, sessionBody());
    return { teamId: team.id as string, versionId: version.id as string, sessionId: session.id as string, lead, writer };
  };

  for (const prefix of ['', '/gateway']) {
    it(`runs the seed's supervisor team as a dry run${prefix ? ' under /gateway' : ''}: plan, every member once, review`, async () => {
      const { teamId, versionId, sessionId } = await seedTeam(prefix);
      const run = await ok('POST', `${prefix}/teams/runs`, { team_id: teamId, session_id: sessionId, input_text: 'Analyze this customer request.' });
      const executed = await call('POST', `${prefix}/teams/runs/${run.id}/execute`, { worker_key: 'team-worker-1', dry_run: true });
      expect(executed.status, JSON.stringify(executed.body)).to.equal(200);
      expect(executed.body).to.include({ id: run.id, team_version_id: versionId, status: 'completed', dry_run: true, coordination_mode: 'supervisor' });
      expect(executed.body.output_text).to.match(/^Dry run/);
      expect(executed.body.member_runs.map((m: { member_key: string; purpose: string }) => `${m.member_key}:${m.purpose}`)).to.deep.equal([
        'lead:plan',
        'writer:work',
        'lead:review',
      ]);

      const read = await call('GET', `${prefix}/teams/runs/${run.id}`, undefined, minPosition(executed.body.position));
      expect(read.body).to.include({ status: 'completed', steps: 3, dry_run: true, output_text: executed.body.output_text });
      const members = await call('GET', `${prefix}/teams/runs/${run.id}/member-runs`, undefined, minPosition(executed.body.position));
      expect(members.body.items.map((m: { status: string }) => m.status)).to.deep.equal(['completed', 'completed', 'completed']);
      for (const member of members.body.items) {
        const agentRun = await call('GET', `${prefix}/agents/runs/${member.agent_run_id}`, undefined, minPosition(executed.body.position));
        expect(agentRun.body).to.include({ team_run_id: run.id, member_key: member.member_key, dry_run: true, status: 'completed' });
      }
    });
  }

  /** Every Server-Sent Event of a stream that ends, as `{ id, event, data }`. */
  const sseOf = async (path: string, headers: Record<string, string> = {}) => {
    const answer = await call('GET', path, undefined, headers);
    if (answer.status !== 200) return { status: answer.status, events: [] };
    const events = (answer.body as string)
      .split('\n\n')
      .filter((block) => block.includes('data:'))
      .map((block) => {
        const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1).trim();
        return { id: field('id')!, event: field('event')!, data: JSON.parse(field('data')!) };
      });
    return { status: answer.status, events };
  };

  it('streams a team run’s events and its member runs’, and resumes from any event’s id without loss', async () => {
    const { teamId, sessionId } = await seedTeam();
    const run = await ok('POST', '/teams/runs', { team_id: teamId, session_id: sessionId, input_text: 'Analyze this customer request.' });
    const executed = await call('POST', `/teams/runs/${run.id}/execute`, { dry_run: true });
    const whole = await sseOf(`/teams/runs/${run.id}/stream`);
    expect(whole.status).to.equal(200);
    const team = whole.events.filter((e) => e.data.source === 'team_run').map((e) => e.event);
    expect(team[0]).to.equal('TeamRunQueued');
    expect(team.at(-1)).to.equal('TeamRunCompleted');
    const members = whole.events.filter((e) => e.data.source === 'member_run');
    expect(new Set(members.map((e) => e.data.agent_run_id))).to.deep.equal(new Set(executed.body.member_runs.map((m: { agent_run_id: string }) => m.agent_run_id)));
    // Each stream in its order; the streams of runs that ended are sent side by side.
    expect(members.filter((e) => e.event === 'AgentRunCompleted').map((e) => e.data.member_key).sort()).to.deep.equal(['lead', 'lead', 'writer']);
    const key = (e: { event: string; data: { agent_run_id: string | null } }) => `${e.data.agent_run_id ?? 'team'}:${e.event}`;
    const middle = Math.floor(whole.events.length / 2);
    const rest = await sseOf(`/teams/runs/${run.id}/stream`, { 'last-event-id': whole.events[middle]!.id });
    expect(rest.events.map(key).sort()).to.deep.equal(whole.events.slice(middle + 1).map(key).sort());
    expect((await sseOf(`/teams/runs/${run.id}/stream`, { 'last-event-id': whole.events.at(-1)!.id })).status).to.equal(204);
    expectProblem(await call('GET', `/teams/runs/${run.id}/stream`, undefined, { 'last-event-id': 'not-a-cursor' }), 400, 'VALIDATION_FAILED');
  });

  it('follows a team run live: its events and its members’ as they happen, ending after the last', async () => {
    const { teamId, sessionId } = await seedTeam();
    const run = await ok('POST', '/teams/runs', { team_id: teamId, session_id: sessionId, input_text: 'Analyze this customer request.' });
    const live = sseOf(`/teams/runs/${run.id}/stream`);
    // The stream is open (it has sent the queued event) before the run starts.
    await new Promise((r) => setTimeout(r, 200));
    expect((await call('POST', `/teams/runs/${run.id}/execute`, { dry_run: true, wait: false })).status).to.equal(202);
    const { status, events } = await live;
    expect(status).to.equal(200);
    expect(events.filter((e) => e.data.source === 'team_run').map((e) => e.event)).to.include.members(['TeamRunQueued', 'TeamRunWaiting', 'TeamMemberStepEnded', 'TeamRunCompleted']);
    expect(events.filter((e) => e.data.source === 'member_run' && e.event === 'AgentRunCompleted')).to.have.length(3);
  });

  it('claims the oldest queued team run through the worker claim API, then answers 204', async () => {
    const { teamId, sessionId } = await seedTeam();
    const run = await ok('POST', '/teams/runs', { team_id: teamId, session_id: sessionId, input_text: 'Analyze this customer request.' });
    await call('GET', `/teams/runs/${run.id}`, undefined, minPosition(run.position));
    const claimed = await call('POST', '/teams/workers/execute-next', { worker_key: 'team-worker-1', lease_seconds: 300, dry_run: true });
    expect(claimed.status, JSON.stringify(claimed.body)).to.equal(200);
    expect(claimed.body).to.include({ id: run.id, status: 'completed', dry_run: true });
    await call('GET', `/teams/runs/${run.id}`, undefined, minPosition(claimed.body.position));
    expect((await call('POST', '/teams/workers/execute-next', { worker_key: 'team-worker-1', lease_seconds: 300, dry_run: true })).status).to.equal(204);
  });

  it('uses the version asked for, refuses an archived one, and answers 409 for a team with no published version', async () => {
    const { teamId, sessionId, writer } = await seedTeam();
    const draft = await ok('POST', '/teams/versions', { team_id: teamId, coordination_mode: 'sequential', member_refs: [{ member_key: 'w', agent_id: writer }] });
    const run = await ok('POST', '/teams/runs', { team_id: teamId, team_version_id: draft.id, session_id: sessionId, input_text: 'x' });
    const executed = await call('POST', `/teams/runs/${run.id}/execute`, { dry_run: true });
    expect(executed.body).to.include({ team_version_id: draft.id, coordination_mode: 'sequential', status: 'completed' });
    await ok('POST', `/teams/${teamId}/versions/${draft.id}/archive`);
    expectProblem(await call('POST', '/teams/runs', { team_id: teamId, team_version_id: draft.id, session_id: sessionId, input_text: 'x' }), 409, 'TEAM_VERSION_ARCHIVED');
    const other = await ok('POST', '/teams', { code: 'unpublished', name: 'Unpublished' });
    expectProblem(await call('POST', '/teams/runs', { team_id: other.id, session_id: sessionId, input_text: 'x' }), 409, 'TEAM_NOT_PUBLISHED');
  });

  it('refuses bad input naming the field, and appends nothing', async () => {
    const { teamId, sessionId, lead } = await seedTeam();
    const before = (await wholeLog((path) => call('GET', path))).length;
    const bad = async (path: string, body: unknown, field: string) => {
      const answer = await call('POST', path, body);
      expectProblem(answer, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(answer)).to.include(field);
    };
    await bad('/teams', { name: 'No code' }, 'body.code');
    await bad('/teams/versions', { team_id: teamId, coordination_mode: 'committee', member_refs: [{ member_key: 'a', agent_id: lead }] }, 'body.coordination_mode');
    await bad('/teams/versions', { team_id: teamId, coordination_mode: 'parallel', member_refs: [] }, 'body.member_refs');
    await bad('/teams/versions', { team_id: teamId, coordination_mode: 'parallel', member_refs: [{ member_key: 'a', agent_id: lead }, { member_key: 'a', agent_id: lead }] }, 'body.member_refs');
    await bad('/teams/versions', { team_id: teamId, coordination_mode: 'parallel', member_refs: [{ member_key: 'a', agent_id: 'agent-lead' }] }, 'body.member_refs.0.agent_id');
    await bad(
      '/teams/versions',
      { team_id: teamId, coordination_mode: 'parallel', member_refs: [{ member_key: 'a', agent_id: lead }], config_json: { failure_policy: 'retry' } },
      'body.config_json.failure_policy',
    );
    await bad('/teams/runs', { team_id: teamId, session_id: sessionId }, 'body.input_text');
    await bad(`/teams/runs/${randomUUID()}/execute`, { worker_key: '' }, 'body.worker_key');
    await bad('/teams/workers/execute-next', {}, 'body.worker_key');
    expect((await wholeLog((path) => call('GET', path))).length).to.equal(before);
  });

  it('answers 404 for unknown ids and other workspaces’ agents, naming the member', async () => {
    const { teamId, sessionId, lead } = await seedTeam();
    const unknown = randomUUID();
    const missing = await call('POST', '/teams/versions', {
      team_id: teamId,
      coordination_mode: 'parallel',
      member_refs: [{ member_key: 'a', agent_id: lead }, { member_key: 'b', agent_id: unknown }],
    });
    expectProblem(missing, 404, 'AGENT_NOT_FOUND');
    expect(fieldsOf(missing)).to.deep.equal(['body.member_refs.1.agent_id']);
    const elsewhere = await server().request('POST', '/teams/versions', {
      body: { team_id: teamId, coordination_mode: 'parallel', member_refs: [{ member_key: 'a', agent_id: lead }] },
      headers: { 'x-workspace-id': 'another-workspace' },
    });
    expect(elsewhere.status).to.equal(404);
    expectProblem(await call('POST', '/teams/versions', { team_id: unknown, coordination_mode: 'parallel', member_refs: [{ member_key: 'a', agent_id: lead }] }), 404, 'TEAM_NOT_FOUND');
    expectProblem(await call('POST', '/teams/runs', { team_id: unknown, session_id: sessionId, input_text: 'x' }), 404, 'TEAM_NOT_FOUND');
    expectProblem(await call('POST', '/teams/runs', { team_id: teamId, session_id: unknown, input_text: 'x' }), 404, 'SESSION_NOT_FOUND');
    expectProblem(await call('POST', `/teams/runs/${unknown}/execute`, {}), 404, 'TEAM_RUN_NOT_FOUND');
    expectProblem(await call('POST', `/teams/runs/${unknown}/cancel`, {}), 404, 'TEAM_RUN_NOT_FOUND');
    expectProblem(await call('GET', `/teams/runs/${unknown}`), 404, 'TEAM_RUN_NOT_FOUND');
    expectProblem(await call('GET', `/teams/runs/${unknown}/member-runs`), 404, 'TEAM_RUN_NOT_FOUND');
    expectProblem(await call('GET', `/teams/runs/${unknown}/stream`), 404, 'TEAM_RUN_NOT_FOUND');
  });

  it('answers 409 for a taken code, a cancel of an ended run, and a closed session', async () => {
    const { teamId, sessionId } = await seedTeam();
    expectProblem(await call('POST', '/teams', { code: 'research_team', name: 'Again' }), 409, 'TEAM_CODE_TAKEN');
    const run = await ok('POST', '/teams/runs', { team_id: teamId, session_id: sessionId, input_text: 'x' });
    expect((await call('POST', `/teams/runs/${run.id}/cancel`, { reason: 'not needed' })).status).to.equal(202);
    expectProblem(await call('POST', `/teams/runs/${run.id}/cancel`, {}), 409, 'TEAM_RUN_ENDED');
    const executed = await call('POST', `/teams/runs/${run.id}/execute`, {});
    expect(executed.body).to.include({ status: 'cancelled' });
    await ok('POST', `/sessions/${sessionId}/close`);
    expectProblem(await call('POST', '/teams/runs', { team_id: teamId, session_id: sessionId, input_text: 'x' }), 409, 'SESSION_CLOSED');
  });

  it('queues a run once per idempotency key', async () => {
    const { teamId, sessionId } = await seedTeam();
    const body = { team_id: teamId, session_id: sessionId, input_text: 'x' };
    const key = { 'idempotency-key': randomUUID() };
    const [first, second] = [await call('POST', '/teams/runs', body, key), await call('POST', '/teams/runs', body, key)];
    expect(second.body).to.deep.equal(first.body);
    expect(second.headers.get('idempotent-replayed')).to.equal('true');
    const page = await call('GET', `/teams/runs?team_id=${teamId}`, undefined, minPosition(first.body.position));
    expect(page.body.items).to.have.length(1);
  });
});
