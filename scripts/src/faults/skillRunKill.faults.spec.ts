import { expect } from 'chai';
import { createKnex } from '@agent-platform/infra';
import { describeOnEachPostgres } from '@agent-platform/infra/testing';
import { freshWorkspace, send, startServer } from '../testing/server.js';
import { startToolServer } from '../testing/toolServer.js';
import { waitUntil } from './children.js';
import { cleanups, startPlatformChild } from './fixtures.js';

const LEASE_MS = 1_500;

/**
 * The process running an http skill's run is killed with SIGKILL while the skill's call is in flight.
 * Another process resumes the run once the lease runs out and makes the call again with the same
 * idempotency key, so a tool that honours the key acts once.
 */
describeOnEachPostgres('fault: the process running a skill run is killed with SIGKILL', ({ db }) => {
  const after = cleanups();
  afterEach(async function () {
    this.timeout(60_000);
    await after.run();
  });

  it('during its call: the resumed run calls again with the same idempotency key, and the tool acts once', async function () {
    this.timeout(90_000);
    const tool = await startToolServer({ hangFirstCall: true });
    after.add(() => tool.close());
    const knex = createKnex(db().url);
    after.add(() => knex.destroy());
    const env = {
      AGENT_PLATFORM_DATABASE_URL: db().url,
      AGENT_PLATFORM_TOOL_ALLOWED_HOSTS: tool.host,
      AGENT_PLATFORM_AGENT_RUN_LEASE_MS: String(LEASE_MS),
    };
    const { child: first, url: url } = await startPlatformChild(after, 'platform 1', env);
    const workspace = { 'x-workspace-id': freshWorkspace() };
    const ok = async (path: string, body: unknown) => {
      const answer = await send(url, 'POST', path, { body, headers: workspace });
      expect(answer.status, JSON.stringify(answer.body)).to.be.oneOf([201, 202]);
      return answer.body as { id: string };
    };
    const skill = await ok('/skills', { code: 'lookup_order', name: 'Look up an order', skill_type: 'http' });
    await ok('/skills/versions', {
      skill_id: skill.id,
      status: 'published',
      runtime_type: 'http',
      parameter_schema_json: { order_id: { type: 'string' } },
      implementation_json: { base_url: tool.url, path: '/orders/lookup', timeout_ms: 60_000 },
    });
    const run = await ok('/skills/runs', { skill_id: skill.id, input_json: { order_id: '7' }, auto_execute: true });
    await waitUntil(() => `the skill's call was made (${first.output()})`, () => tool.calls.length === 1);

    await first.kill();
    const second = await startServer(env);
    after.add(() => second.stop());
    const journal = () => knex('ap_events').where({ stream_id: `skillrun-${run.id}` }).orderBy('stream_version').select<{ type: string; data: Record<string, unknown> }[]>('type', 'data');
    await waitUntil(
      () => `the resumed run ended (calls: ${tool.calls.length})`,
      async () => tool.calls.length > 2 || (await journal()).some((e) => e.type === 'SkillRunCompleted' || e.type === 'SkillRunFailed'),
      30_000,
    );
    const events = await journal();
    expect(tool.calls).to.have.length(2);
    expect(tool.calls[1]!.headers['idempotency-key']).to.equal(tool.calls[0]!.headers['idempotency-key']).and.to.equal(`${run.id}:call`);
    expect(tool.effects(), 'the tool acted once').to.equal(1);
    expect(events.filter((e) => e.type === 'SkillCallStarted').map((e) => e.data.attempt)).to.deep.equal([1, 2]);
    expect(new Set(events.filter((e) => e.type === 'SkillRunLeased').map((e) => e.data.worker_key)).size, 'two workers held the run').to.equal(2);
    expect(events.at(-1)).to.deep.include({ type: 'SkillRunCompleted' });
    expect(events.at(-1)!.data).to.deep.include({ output_json: { order_id: '7', status: 'shipped' } });
  });
});
