import { expect } from 'chai';
import { createKnex, type Knex } from '@agent-platform/infra';
import { describeOnEachPostgres, startNatsServer } from '@agent-platform/infra/testing';
import { sessionBody, startServer } from '../testing/server.js';
import { sleep, waitUntil } from './children.js';
import { createFaultTables } from './faultProcessor.js';
import { cleanups, complaintsOf, countOf, requirePrivateNats, startProcessorMember } from './fixtures.js';

const COMMANDS = 1_000;
const CONCURRENCY = 16;
const GROUP = 'faults-nats-outage';
const ACK_WAIT_MS = 5_000;

/**
 * The log is the outbox: with the broker down, commands are still accepted, and once it is back every
 * event reaches the consumer group, each handled once in effect.
 */
describeOnEachPostgres('fault: NATS is stopped while 1,000 commands are accepted', ({ db }) => {
  const after = cleanups();
  let knex: Knex;

  before(function () {
    requirePrivateNats(this);
  });
  afterEach(async function () {
    this.timeout(60_000);
    await after.run();
  });

  const effects = () => countOf(knex('fault_effects').where({ consumer_group: GROUP }));

  it('accepts every command while NATS is down, then delivers every event to the group exactly once in effect', async function () {
    this.timeout(150_000);
    const nats = await startNatsServer();
    after.add(() => nats.dispose());
    const server = await startServer({ AGENT_PLATFORM_DATABASE_URL: db().url, AGENT_PLATFORM_NATS_URL: nats.url }, [
      'command-api',
      'relay',
      'processors',
    ]);
    after.add(() => server.stop());
    knex = createKnex(db().url);
    after.add(() => knex.destroy());
    await createFaultTables(knex);
    const member = await startProcessorMember('processor member', {
      databaseUrl: db().url,
      natsUrl: nats.url,
      group: GROUP,
      types: ['SessionOpened'],
      mode: 'row',
      ackWaitMs: ACK_WAIT_MS,
    });

    // The whole path works before the outage.
    const warmUp = await server.request('POST', '/sessions', { body: sessionBody() });
    expect(warmUp.status, JSON.stringify(warmUp.body)).to.equal(201);
    await waitUntil('the first event handled', async () => (await effects()) === 1, 30_000);

    await nats.stop();
    const acceptStarted = Date.now();
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < COMMANDS) {
          next++;
          const answer = await server.request('POST', '/sessions', { body: sessionBody({ title: `outage ${next}` }) });
          statuses.push(answer.status);
        }
      }),
    );
    const acceptMs = Date.now() - acceptStarted;
    expect(statuses.filter((s) => s !== 201), 'commands refused while NATS was down').to.deep.equal([]);
    expect(statuses).to.have.length(COMMANDS);

    const logged = await knex('ap_events').where({ type: 'SessionOpened' }).select<{ event_id: string }[]>('event_id');
    expect(logged).to.have.length(COMMANDS + 1);
    // Nothing reached the group while the broker was away.
    await sleep(500);
    expect(await effects()).to.equal(1);

    await nats.restart();
    const restartedAt = Date.now();
    await waitUntil(
      () => `every event handled after the restart (${COMMANDS + 1} effects); member complaints:\n${complaintsOf(member)}`,
      async () => (await effects()) >= COMMANDS + 1,
      90_000,
      200,
    );
    const deliveredMs = Date.now() - restartedAt;
    // Redeliveries of what was handled but whose ack got lost would come within the ack wait: wait it out.
    await sleep(ACK_WAIT_MS + 1_000);

    const rows = await knex('fault_effects')
      .where({ consumer_group: GROUP })
      .groupBy('event_id')
      .select<{ event_id: string; n: string }[]>('event_id', knex.raw('count(*) AS n'));
    const twice = rows.filter((r) => Number(r.n) !== 1);
    expect(twice, 'events whose effect happened more than once').to.deep.equal([]);
    expect(rows.map((r) => r.event_id).sort()).to.deep.equal(logged.map((e) => e.event_id).sort());
    expect(await countOf(knex('ap_inbox').where({ consumer_group: GROUP })), 'inbox rows').to.equal(COMMANDS + 1);
    expect(await countOf(knex('ap_events').where({ type: 'DeadLettered' })), 'dead letters').to.equal(0);
    expect(deliveredMs, 'delivery after the restart').to.be.below(60_000);
    console.log(`      ${COMMANDS} commands accepted in ${acceptMs} ms with NATS down; all delivered ${deliveredMs} ms after its restart`);
  });
});
