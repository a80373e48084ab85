import { expect } from 'chai';
import { describeOnPlatform, eventually, expectProblem, fieldsOf, minPosition, sessionBody, wholeLog, workspaceClient } from './testing/server.js';
import { startToolServer, type ToolServer } from './testing/toolServer.js';

let tool: ToolServer;
before(async () => {
  tool = await startToolServer();
});
after(async () => tool.close());

/**
 * The seed's scheduler-service examples, direct and under /gateway, the platform's own scheduler firing
 * each job type, the external workers' claims, and the refusals of every route.
 */
describeOnPlatform(
  'scheduler: jobs, fires, dispatch and external workers',
  (server) => {
    const { call, ok } = workspaceClient(server, [200, 201, 202]);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const soon = (ms = 0) => new Date(Date.now() + ms).toISOString();
    const job = (id: string, position?: number) => call('GET', `/scheduler/jobs/${id}`, undefined, position ? minPosition(position) : {});
    const fires = async (id: string) => (await call('GET', `/scheduler/jobs/${id}/fires`)).body.items as Record<string, unknown>[];
    /** The job once its fires settled as `until` says, read from the read model. */
    const settled = (id: string, until: (fires: Record<string, unknown>[]) => boolean) =>
      eventually(async () => {
        const items = await fires(id);
        expect(until(items), JSON.stringify(items)).to.equal(true);
        return items;
      });

    for (const prefix of ['', '/gateway']) {
      it(`takes the seed's job${prefix ? ' under /gateway' : ''}, fires it, and records the run it names as missing`, async () => {
        const created = await ok('POST', `${prefix}/scheduler/jobs`, { job_type: 'agent', name: 'Run agent later', schedule_time: '2026-04-26T12:00:00Z', payload_json: { agent_run_id: 'run-id' } });
        const [first] = await settled(created.id, (items) => items.length > 0 && items[0]!.status === 'failed');
        expect(first).to.include({ slot: '2026-04-26T12:00:00.000Z', attempt: 1 });
        expect(first!.error).to.deep.include({ code: 'AGENT_RUN_NOT_FOUND' });
        const view = (await call('GET', `${prefix}/scheduler/jobs/${created.id}`)).body;
        // Retried by its policy: 3 attempts, 30 s apart at first.
        expect(view).to.include({ status: 'scheduled', job_type: 'agent', name: 'Run agent later', fire_count: 1, max_attempts: 3 });
        expect(view.retry_at).to.be.a('string');
      });

      it(`lets a worker claim a due external job and mark it completed, as the seed does${prefix ? ' under /gateway' : ''}`, async () => {
        const created = await ok('POST', `${prefix}/scheduler/jobs`, { job_type: 'http', name: 'external', schedule_time: soon(-1000), dispatch: 'external', payload_json: { url: 'https://example.org/hook' } });
        await job(created.id, created.position);
        const claimed = await call('POST', `${prefix}/scheduler/jobs/claim-due`, { worker_key: 'scheduler-worker-1', limit: 20 });
        expect(claimed.status).to.equal(200);
        expect(claimed.body.items.map((i: { id: string }) => i.id)).to.deep.equal([created.id]);
        expect(claimed.body.items[0]).to.include({ worker_key: 'scheduler-worker-1', attempt: 1, job_type: 'http' });
        const again = await call('POST', `${prefix}/scheduler/jobs/claim-due`, { worker_key: 'scheduler-worker-2', limit: 20 });
        expect(again.body.items).to.deep.equal([]);
        const marked = await call('POST', `${prefix}/scheduler/jobs/${created.id}/status`, { status: 'completed' });
        expect(marked.status).to.equal(202);
        expect((await job(created.id, marked.body.position)).body).to.include({ status: 'completed', fire_count: 1 });
        expect((await fires(created.id)).map((f) => f.status)).to.deep.equal(['succeeded']);
      });
    }

    it('retries a failed external fire by the job policy and fails a one-off job out of attempts', async () => {
      const created = await ok('POST', '/scheduler/jobs', { job_type: 'event', name: 'ext', schedule_time: soon(-1000), dispatch: 'external', max_attempts: 2, retry_backoff_seconds: 0 });
      for (const attempt of [1, 2]) {
        await eventually(async () => {
          const claimed = await call('POST', '/scheduler/jobs/claim-due', { worker_key: 'w', limit: 5, lease_seconds: 60 });
          expect(claimed.body.items.map((i: { attempt: number }) => i.attempt)).to.deep.equal([attempt]);
        });
        expect((await call('POST', `/scheduler/jobs/${created.id}/status`, { status: 'failed', error: 'downstream down', worker_key: 'w' })).status).to.equal(202);
      }
      const items = await settled(created.id, (f) => f.length === 2 && f.every((x) => x.status === 'failed'));
      expect(items[1]!.error).to.deep.equal({ code: 'SCHEDULED_JOB_WORKER_FAILED', message: 'downstream down' });
      expect((await job(created.id)).body.status).to.equal('failed');
    });

    it('hands each due external job to one claimer only, however many claim at once', async () => {
      const ids = await Promise.all(Array.from({ length: 10 }, (_, i) => ok('POST', '/scheduler/jobs', { job_type: 'http', name: `c${i}`, schedule_time: soon(-1000), dispatch: 'external' }).then((b) => b as { id: string; position: number })));
      await job(ids[9]!.id, Math.max(...ids.map((i) => i.position)));
      const answers = await Promise.all(Array.from({ length: 5 }, (_, w) => call('POST', '/scheduler/jobs/claim-due', { worker_key: `worker-${w}`, limit: 10 })));
      const claimed = answers.flatMap((a) => a.body.items.map((i: { id: string }) => i.id));
      expect(claimed).to.have.length(10);
      expect(new Set(claimed)).to.deep.equal(new Set(ids.map((i) => i.id)));
    });

    it('starts the queued agent run a job names', async () => {
      const agent = await ok('POST', '/agents', { code: 'scheduled_agent', name: 'Scheduled', agent_type: 'assistant' });
      await ok('POST', '/agents/versions', { agent_id: agent.id, status: 'published', system_prompt: 'Answer.' });
      const session = await ok('POST', '/sessions', sessionBody());
      const run = await ok('POST', '/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: 'hello', auto_execute: false });
      const created = await ok('POST', '/scheduler/jobs', { job_type: 'agent', name: 'start it', schedule_time: soon(), payload_json: { agent_run_id: run.id } });
      const [fire] = await settled(created.id, (items) => items[0]?.status === 'succeeded');
      expect(fire!.result_json).to.deep.include({ agent_run_id: run.id, started: true });
      await eventually(async () => expect((await call('GET', `/agents/runs/${run.id}`)).body.status).to.equal('completed'));
    });

    it('queues a new agent run from a job, under an id of the slot', async () => {
      const agent = await ok('POST', '/agents', { code: 'scheduled_agent', name: 'Scheduled', agent_type: 'assistant' });
      await ok('POST', '/agents/versions', { agent_id: agent.id, status: 'published', system_prompt: 'Answer.' });
      const session = await ok('POST', '/sessions', sessionBody());
      const created = await ok('POST', '/scheduler/jobs', { job_type: 'agent', name: 'new run', schedule_time: soon(), payload_json: { agent_id: agent.id, session_id: session.id, input_text: 'scheduled hello' } });
      const [fire] = await settled(created.id, (items) => items[0]?.status === 'succeeded');
      const runId = (fire!.result_json as { agent_run_id: string }).agent_run_id;
      await eventually(async () => expect((await call('GET', `/agents/runs/${runId}`)).body).to.include({ status: 'completed', input_text: 'scheduled hello' }));
    });

    it('queues a team run and a skill run from their jobs, which run to their end', async () => {
      const agent = await ok('POST', '/agents', { code: 'member', name: 'Member', agent_type: 'assistant' });
      await ok('POST', '/agents/versions', { agent_id: agent.id, status: 'published', system_prompt: 'Answer.' });
      const team = await ok('POST', '/teams', { code: 'scheduled_team', name: 'Scheduled team', team_type: 'collaborative' });
      await ok('POST', '/teams/versions', { team_id: team.id, status: 'published', coordination_mode: 'sequential', objective: 'Answer', member_refs: [{ member_key: 'only', agent_id: agent.id, role: 'executor', responsibility: 'All' }] });
      const session = await ok('POST', '/sessions', sessionBody());
      const teamJob = await ok('POST', '/scheduler/jobs', { job_type: 'team', name: 'team later', schedule_time: soon(), payload_json: { team_id: team.id, session_id: session.id, input_text: 'Plan it.', dry_run: true } });
      const skill = await ok('POST', '/skills', { code: 'hello_user', name: 'Hello User', skill_type: 'template' });
      await ok('POST', '/skills/versions', { skill_id: skill.id, status: 'published', runtime_type: 'template', parameter_schema_json: { name: { type: 'string' } }, implementation_json: { template: 'Hello $name' } });
      const skillJob = await ok('POST', '/scheduler/jobs', { job_type: 'skill', name: 'skill later', schedule_time: soon(), payload_json: { skill_id: skill.id, input_json: { name: 'Ada' } } });
      const [teamFire] = await settled(teamJob.id, (items) => items[0]?.status === 'succeeded');
      const [skillFire] = await settled(skillJob.id, (items) => items[0]?.status === 'succeeded');
      const teamRunId = (teamFire!.result_json as { team_run_id: string }).team_run_id;
      const skillRunId = (skillFire!.result_json as { skill_run_id: string }).skill_run_id;
      await eventually(async () => expect((await call('GET', `/teams/runs/${teamRunId}`)).body.status).to.equal('completed'));
      await eventually(async () => expect((await call('GET', `/skills/runs/${skillRunId}`)).body).to.include({ status: 'completed' }));
    });

    it('fails the fire of a skill job whose input no longer fits the skill, with the skill domain code', async () => {
      const skill = await ok('POST', '/skills', { code: 'strict', name: 'Strict', skill_type: 'template' });
      await ok('POST', '/skills/versions', { skill_id: skill.id, status: 'published', runtime_type: 'template', parameter_schema_json: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] }, implementation_json: { template: 'n=$n' } });
      const created = await ok('POST', '/scheduler/jobs', { job_type: 'skill', name: 'bad input', schedule_time: soon(), max_attempts: 1, payload_json: { skill_id: skill.id, input_json: { n: 'not a number' } } });
      const [fire] = await settled(created.id, (items) => items[0]?.status === 'failed');
      expect(fire!.error).to.deep.include({ code: 'SKILL_INPUT_INVALID' });
      expect((await job(created.id)).body.status).to.equal('failed');
    });

    it('appends an integration event once for an event job', async () => {
      const created = await ok('POST', '/scheduler/jobs', { job_type: 'event', name: 'tick', schedule_time: soon(), payload_json: { event_type: 'report.due', payload_json: { day: 'monday' } } });
      const [fire] = await settled(created.id, (items) => items[0]?.status === 'succeeded');
      const log = await wholeLog((path) => call('GET', path));
      const published = log.filter((e) => e.type === 'integration.report.due');
      expect(published).to.have.length(1);
      expect(published[0]!.data).to.deep.include({ source_service: 'scheduler', aggregate_type: 'scheduled_job', aggregate_id: created.id, payload_json: { day: 'monday' } });
      expect((fire!.result_json as { event_id: string }).event_id).to.equal(published[0]!.event_id);
    });

    it('calls an HTTP endpoint with the slot idempotency key, and refuses a private address through the SSRF guard', async () => {
      const created = await ok('POST', '/scheduler/jobs', { job_type: 'http', name: 'hook', schedule_time: soon(), payload_json: { url: `${tool.url}/orders/lookup`, body: { order_id: 'o-1' } } });
      const [fire] = await settled(created.id, (items) => items[0]?.status === 'succeeded');
      expect(fire!.result_json).to.include({ status: 200 });
      const sent = tool.calls.filter((c) => String(c.headers['idempotency-key']).startsWith(`scheduler:${created.id}:`));
      expect(sent).to.have.length(1);
      expect(sent[0]!.headers['idempotency-key']).to.equal(`scheduler:${created.id}:${fire!.slot as string}`);
      expect(sent[0]!.body).to.deep.equal({ order_id: 'o-1' });
      const guarded = await ok('POST', '/scheduler/jobs', { job_type: 'http', name: 'metadata', schedule_time: soon(), max_attempts: 1, payload_json: { url: 'http://169.254.169.254/latest/meta-data' } });
      const [refused] = await settled(guarded.id, (items) => items[0]?.status === 'failed');
      expect(refused!.error).to.deep.include({ code: 'TOOL_ADDRESS_FORBIDDEN' });
      expect((await job(guarded.id)).body.status).to.equal('failed');
    });

    it('pauses and resumes a recurring job, and cancels it', async () => {
      const created = await ok('POST', '/scheduler/jobs', { job_type: 'event', name: 'hourly', cron: '0 * * * *', timezone: 'Europe/Paris', payload_json: { event_type: 'hourly.tick' } });
      const paused = await ok('POST', `/scheduler/jobs/${created.id}/pause`);
      expect((await job(created.id, paused.position)).body.status).to.equal('paused');
      const resumed = await ok('POST', `/scheduler/jobs/${created.id}/resume`);
      const view = (await job(created.id, resumed.position)).body;
      expect(view.status).to.equal('scheduled');
      expect(new Date(view.next_fire_time).getUTCMinutes()).to.equal(0);
      const cancelled = await ok('POST', `/scheduler/jobs/${created.id}/cancel`, { reason: 'no longer needed' });
      expect((await job(created.id, cancelled.position)).body).to.include({ status: 'cancelled', next_fire_time: view.next_fire_time });
      expectProblem(await call('POST', `/scheduler/jobs/${created.id}/cancel`, {}), 409, 'SCHEDULED_JOB_CANCELLED');
      expectProblem(await call('POST', `/scheduler/jobs/${created.id}/resume`), 409, 'SCHEDULED_JOB_CANCELLED');
    });

    it('lists jobs by status and type', async () => {
      const hourly = await ok('POST', '/scheduler/jobs', { job_type: 'event', name: 'h', cron: '0 * * * *', payload_json: { event_type: 'x' } });
      const external = await ok('POST', '/scheduler/jobs', { job_type: 'team', name: 't', cron: '0 0 1 1 *', dispatch: 'external' });
      const fresh = minPosition(external.position);
      const ids = async (query: string) => ((await call('GET', `/scheduler/jobs${query}`, undefined, fresh)).body.items as { id: string }[]).map((i) => i.id);
      expect(await ids('')).to.deep.equal([external.id, hourly.id]);
      expect(await ids('?job_type=team')).to.deep.equal([external.id]);
      expect(await ids('?status=scheduled&job_type=event')).to.deep.equal([hourly.id]);
      expect(await ids('?status=completed')).to.deep.equal([]);
    });

    it('refuses bad input naming the field, appending nothing', async () => {
      const before = (await wholeLog((path) => call('GET', path))).length;
      const refused = async (body: Record<string, unknown>, field: string) => {
        const answer = await call('POST', '/scheduler/jobs', { job_type: 'event', name: 'x', payload_json: { event_type: 'x' }, ...body });
        expectProblem(answer, 400, 'VALIDATION_FAILED');
        expect(fieldsOf(answer)).to.include(field);
      };
      await refused({ cron: 'every day at noon' }, 'body.cron');
      await refused({ cron: '61 * * * *' }, 'body.cron');
      await refused({ cron: '0 * * * *', timezone: 'Mars/Olympus_Mons' }, 'body.timezone');
      await refused({ schedule_time: soon(), cron: '0 * * * *' }, 'body.cron');
      await refused({}, 'body.schedule_time');
      await refused({ schedule_time: 'tomorrow' }, 'body.schedule_time');
      await refused({ schedule_time: soon(), misfire_policy: 'whenever' }, 'body.misfire_policy');
      await refused({ schedule_time: soon(), job_type: 'http', payload_json: { url: 'not a url' } }, 'body.payload_json.url');
      await refused({ schedule_time: soon(), max_attempts: 0 }, 'body.max_attempts');
      expect(fieldsOf(await call('POST', '/scheduler/jobs/claim-due', { limit: 5 }))).to.include('body.worker_key');
      expect(fieldsOf(await call('POST', `/scheduler/jobs/${unknown}/status`, { status: 'done' }))).to.include('body.status');
      expect((await wholeLog((path) => call('GET', path))).length).to.equal(before);
    });

    it('answers 404 for unknown jobs and 409 naming the status for a report with no fire in flight, or for an internal job', async () => {
      expectProblem(await call('GET', `/scheduler/jobs/${unknown}`), 404, 'SCHEDULED_JOB_NOT_FOUND');
      expectProblem(await call('GET', `/scheduler/jobs/${unknown}/fires`), 404, 'SCHEDULED_JOB_NOT_FOUND');
      expectProblem(await call('POST', `/scheduler/jobs/${unknown}/cancel`, {}), 404, 'SCHEDULED_JOB_NOT_FOUND');
      expectProblem(await call('POST', `/scheduler/jobs/${unknown}/status`, { status: 'completed' }), 404, 'SCHEDULED_JOB_NOT_FOUND');
      const external = await ok('POST', '/scheduler/jobs', { job_type: 'http', name: 'x', cron: '0 0 1 1 *', dispatch: 'external' });
      expectProblem(await call('POST', `/scheduler/jobs/${external.id}/status`, { status: 'completed' }), 409, 'SCHEDULED_JOB_SCHEDULED');
      const internal = await ok('POST', '/scheduler/jobs', { job_type: 'event', name: 'x', cron: '0 0 1 1 *', payload_json: { event_type: 'x' } });
      expectProblem(await call('POST', `/scheduler/jobs/${internal.id}/status`, { status: 'completed' }), 409, 'SCHEDULED_JOB_NOT_EXTERNAL');
      const oneOff = await ok('POST', '/scheduler/jobs', { job_type: 'event', name: 'x', schedule_time: soon(3_600_000), payload_json: { event_type: 'x' } });
      expectProblem(await call('POST', `/scheduler/jobs/${oneOff.id}/pause`), 400, 'SCHEDULED_JOB_NOT_RECURRING');
    });

    it('answers a retried create with the same job', async () => {
      const body = { job_type: 'event', name: 'once', schedule_time: soon(3_600_000), payload_json: { event_type: 'x' } };
      const first = await call('POST', '/scheduler/jobs', body, { 'idempotency-key': 'job-1' });
      const second = await call('POST', '/scheduler/jobs', body, { 'idempotency-key': 'job-1' });
      expect(second.body.id).to.equal(first.body.id);
      expect(second.headers.get('idempotent-replayed')).to.equal('true');
    });
  },
  { env: () => ({ AGENT_PLATFORM_TOOL_ALLOWED_HOSTS: tool.host, AGENT_PLATFORM_SCHEDULER_POLL_MS: '200' }) },
);
