import { expect } from 'chai';
import { createKnex, type Knex } from '@agent-platform/infra';
import { describeOnEachPostgres, startNatsServer } from '@agent-platform/infra/testing';
import { startServer, type TestServer } from '../testing/server.js';
import { waitUntil, sleep, type Child } from './children.js';
import { createFaultTables, faultEffectStream, type BlockAt } from './faultProcessor.js';
import { cleanups, complaintsOf, countOf, requirePrivateNats, startProcessorMember } from './fixtures.js';

const ACK_WAIT_MS = 2_000;
const PROBE = 'FaultProbe';

/**
 * Two members of one consumer group in two processes; the member handling a given event is killed with
 * SIGKILL mid-handling. After the ack wait the event goes to the other member, and its effect — a
 * command with the idempotency key the runtime derives from the event — happens once.
 */
describeOnEachPostgres('fault: a processor process is killed with SIGKILL while handling an event', ({ db }) => {
  const after = cleanups();
  let knex: Knex;
  let server: TestServer;

  before(function () {
    requirePrivateNats(this);
  });
  afterEach(async function () {
    this.timeout(60_000);
    await after.run();
  });

  /** Records a `FaultProbe` through the command API (`POST /events`); returns its event id. */
  const probe = async (n: string, block?: BlockAt): Promise<string> => {
    const answer = await server.request('POST', '/events', {
      body: { event_type: PROBE, source_service: 'faults', aggregate_type: 'probe', aggregate_id: n, payload_json: block ? { block } : {} },
    });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body.id as string;
  };

  const attemptsOf = (group: string, eventId: string) =>
    knex('fault_attempts')
      .where({ consumer_group: group, event_id: eventId })
      .orderBy('id')
      .select<{ pid: number; attempt: number; phase: string; at: Date }[]>('pid', 'attempt', 'phase', 'at');

  /** How many times each event's effect was appended to the log. */
  const effectCounts = async (group: string): Promise<Map<string, number>> => {
    const rows = await knex('ap_events')
      .where({ type: 'FaultEffectRecorded' })
      .whereRaw(`data->>'consumer_group' = ?`, [group])
      .groupByRaw(`data->>'event_id'`)
      .select<{ event_id: string; n: string }[]>(knex.raw(`data->>'event_id' AS event_id`), knex.raw('count(*) AS n'));
    return new Map(rows.map((r) => [r.event_id, Number(r.n)]));
  };

  for (const blockAt of ['after-effect', 'before-effect'] as const) {
    const when = blockAt === 'after-effect' ? 'after its effect was committed, before the ack' : 'before its effect';
    it(`redelivers the event to the other member after the ack wait, when the first is killed ${when}; the effect happens once`, async function () {
      this.timeout(90_000);
      const group = `faults-kill-${blockAt}`;
      const nats = await startNatsServer();
      after.add(() => nats.dispose());
      server = await startServer({ AGENT_PLATFORM_DATABASE_URL: db().url, AGENT_PLATFORM_NATS_URL: nats.url }, ['command-api', 'relay']);
      after.add(() => server.stop());
      knex = createKnex(db().url);
      after.add(() => knex.destroy());
      await createFaultTables(knex);
      const options = { databaseUrl: db().url, natsUrl: nats.url, group, types: [PROBE], mode: 'command' as const, ackWaitMs: ACK_WAIT_MS };
      const members = await Promise.all([startProcessorMember('member 1', options), startProcessorMember('member 2', options)]);

      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push(await probe(`before-${i}`));
      const blocked = await probe('blocking', blockAt);
      for (let i = 0; i < 10; i++) ids.push(await probe(`after-${i}`));
      ids.push(blocked);

      // The member that took the blocking event says so; it is killed there and then.
      let victim: Child | undefined;
      await waitUntil(
        'a member blocked on the event',
        async () => {
          const row = (await attemptsOf(group, blocked)).find((a) => a.phase === `blocked-${blockAt}`);
          victim = row && members.find((m) => m.pid === row.pid);
          return Boolean(victim);
        },
        30_000,
        20,
      );
      const survivor = members.find((m) => m !== victim)!;
      const effectBefore = (await effectCounts(group)).get(blocked) ?? 0;
      expect(effectBefore, 'the effect when the member is killed').to.equal(blockAt === 'after-effect' ? 1 : 0);
      const killedAt = Date.now();
      await victim!.kill();
      expect(await victim!.exited).to.deep.equal({ code: null, signal: 'SIGKILL' });

      await waitUntil(
        () => `the blocked event handled by the surviving member; its complaints:\n${complaintsOf(survivor)}`,
        async () => (await countOf(knex('ap_inbox').where({ consumer_group: group, event_id: blocked }))) === 1,
        30_000,
      );
      const redelivery = (await attemptsOf(group, blocked)).filter((a) => a.attempt > 1);
      expect(redelivery.length, 'redeliveries').to.be.greaterThan(0);
      expect(redelivery.map((a) => a.pid)).to.deep.equal(redelivery.map(() => survivor.pid));
      const redeliveredMs = redelivery[0]!.at.getTime() - killedAt;
      expect(redeliveredMs, 'redelivery after the kill').to.be.below(15_000);

      await waitUntil(
        'every probe handled',
        async () => (await countOf(knex('ap_inbox').where({ consumer_group: group }).whereIn('event_id', ids))) === ids.length,
        30_000,
      );
      // Anything the killed member held unacked comes back within the ack wait: wait it out.
      await sleep(ACK_WAIT_MS + 1_000);
      const counts = await effectCounts(group);
      expect(
        ids.filter((id) => counts.get(id) !== 1).map((id) => ({ id, effects: counts.get(id) ?? 0 })),
        'probes without exactly one effect',
      ).to.deep.equal([]);
      expect((await knex('ap_events').where({ stream_id: faultEffectStream(blocked) })).length).to.equal(1);
      expect(await countOf(knex('ap_events').where({ type: 'DeadLettered' })), 'dead letters').to.equal(0);
      expect(survivor.alive()).to.equal(true);
      console.log(`      killed ${when}: redelivered to the other member ${redeliveredMs} ms after the kill (ack wait ${ACK_WAIT_MS} ms)`);
    });
  }
});
