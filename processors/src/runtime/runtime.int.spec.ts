import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { pino } from 'pino';
import { DEAD_LETTERS_CATEGORY, streamId, subjectOf, toEnvelope, type EventEnvelope } from '@agent-platform/contracts';
import { deadLetterDecider, sendCommand } from '@agent-platform/command-api/commands';
import {
  createInProcessBroker,
  createKnex,
  createPool,
  createPostgresEventStore,
  eventStoreMigrations,
  migrateToLatest,
  startRelay,
  type Broker,
  type EventStore,
  type Knex,
  type Pool,
  type Relay,
} from '@agent-platform/infra';
import { capturingLogger, describeOnEachPostgres, strictSessionClosedUpcaster, UNLIFTABLE_SESSION_CLOSED } from '@agent-platform/infra/testing';
import { deadLettersProcessors } from '../dead-letters/module.js';
import { deadLetterIdOf } from '../dead-letters/record.js';
import { platformProcessors } from '../index.js';
import type { Processor } from './processor.js';
import { runOnce } from './run.js';
import { startProcessorRuntime, type ProcessorRuntime } from './runtime.js';

const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const waitUntil = async (condition: () => boolean | Promise<boolean>, timeoutMs = 20_000) => {
  for (const deadline = Date.now() + timeoutMs; !(await condition()); await sleep(20)) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
  }
};

describeOnEachPostgres('processor runtime', ({ db }) => {
  let knex: Knex;
  let pool: Pool;
  let store: EventStore;
  let broker: Broker;
  let relay: Relay;
  let runtime: ProcessorRuntime | undefined;
  beforeEach(async () => {
    knex = createKnex(db().url);
    await migrateToLatest(knex, [eventStoreMigrations]);
    pool = createPool(db().url, 10);
    store = createPostgresEventStore({ pool, listenConnectionString: db().url });
    broker = createInProcessBroker();
    relay = startRelay({ store, broker, knex, pool, log: silent });
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await relay.stop();
    await broker.close();
    await store.close();
    await pool.end();
    await knex.destroy();
  });

  // Beside the dead-letter retrier, as the platform runs it; agent runs' processors need an executor, so none run here.
  const start = async (processor: Processor, log = silent) => {
    runtime = await startProcessorRuntime({ broker, store, knex, log }, platformProcessors([deadLettersProcessors], { store, knex }, [processor]));
  };
  const closeSession = async () => {
    const id = randomUUID();
    const result = await store.append(`session-${id}`, [{ type: 'SessionClosed', data: { session_id: id }, metadata: { workspace_id: 'ws-1', correlation_id: 'corr-1' } }], {
      expectedVersion: 'any',
    });
    return result.events[0]!;
  };
  const group = () => `test-${randomUUID().slice(0, 8)}`;

  it('hands each event to the handler, with a command context derived from the event', async () => {
    const seen: { event: EventEnvelope; key: string | undefined; workspace: string }[] = [];
    await start({
      group: group(),
      types: ['SessionClosed'],
      handle: async (event, context) => {
        const command = context.commandContext('step-1');
        seen.push({ event, key: command.idempotencyKey, workspace: command.workspaceId });
      },
    });
    const recorded = await closeSession();
    await waitUntil(() => seen.some((s) => s.event.id === recorded.event_id));
    const mine = seen.find((s) => s.event.id === recorded.event_id)!;
    expect(mine.workspace).to.equal('ws-1');
    expect(mine.key).to.match(new RegExp(`:${recorded.event_id}:step-1$`));
    expect(mine.event.correlationid).to.equal('corr-1');
  });

  it('runs an idempotent processor again on a redelivered event, without the inbox; any other, once', async () => {
    const recorded = await closeSession();
    const event = toEnvelope(recorded, 'session');
    const calls: string[] = [];
    const idempotent: Processor = { group: group(), types: ['SessionClosed'], idempotent: true, handle: async () => void calls.push('idempotent') };
    const guarded: Processor = { group: group(), types: ['SessionClosed'], handle: async () => void calls.push('guarded') };
    for (const processor of [idempotent, guarded, idempotent, guarded]) await runOnce(knex, processor, event, 1);
    expect(calls).to.deep.equal(['idempotent', 'guarded', 'idempotent']);
    expect(await knex('ap_inbox').where({ consumer_group: idempotent.group })).to.have.length(0);
  });

  it('lets one of two members racing on one event handle it: the other waits on the inbox row, then skips it', async () => {
    const recorded = await closeSession();
    const event = toEnvelope(recorded, 'session');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const calls: number[] = [];
    const processor: Processor = {
      group: group(),
      types: ['SessionClosed'],
      transactional: true,
      handle: async () => {
        calls.push(calls.length + 1);
        await gate; // the first holds its transaction open while the second arrives
      },
    };
    const other = createKnex(db().url); // the second member, with connections of its own
    try {
      const first = runOnce(knex, processor, event, 1);
      await waitUntil(() => calls.length === 1);
      // Both found the event unhandled before either committed; the second now waits on the first's inbox row.
      const second = runOnce(other, processor, event, 1);
      await waitUntil(async () => {
        const { rows } = await knex.raw(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        return rows[0].n === 1;
      });
      release();
      expect(await Promise.all([first, second])).to.deep.equal([true, false]);
      expect(calls, 'handler runs').to.deep.equal([1]);
      expect(await knex('ap_inbox').where({ consumer_group: processor.group })).to.have.length(1);
    } finally {
      release();
      await other.destroy();
    }
  });

  it('retries a failing handler with backoff and records its effect once', async () => {
    const attempts: number[] = [];
    const g = group();
    await start({
      group: g,
      types: ['SessionClosed'],
      transactional: true,
      handle: async (event, context) => {
        attempts.push(context.attempt);
        if (context.attempt < 3) throw new Error('not yet');
        await context.trx!.raw('CREATE TABLE IF NOT EXISTS effects (event_id uuid PRIMARY KEY)');
        await context.trx!.raw('INSERT INTO effects VALUES (?)', [event.id]);
      },
    });
    const recorded = await closeSession();
    await waitUntil(async () => Boolean(await knex('ap_inbox').where({ consumer_group: g, event_id: recorded.event_id }).first()));
    expect(attempts).to.deep.equal([1, 2, 3]);
    expect(await knex('effects').where({ event_id: recorded.event_id })).to.have.length(1);
  });

  it('dead-letters an event after its last attempt, and a retry that succeeds resolves it', async () => {
    let healthy = false;
    const g = group();
    const handled: string[] = [];
    await start({
      group: g,
      types: ['SessionClosed'],
      maxAttempts: 2,
      handle: async (event) => {
        if (!healthy) throw new Error('downstream is down');
        handled.push(event.id);
      },
    });
    const recorded = await closeSession();
    const deadLetter = streamId(DEAD_LETTERS_CATEGORY, deadLetterIdOf(g, recorded.event_id));
    await waitUntil(async () => (await store.readStream(deadLetter)).length > 0);
    const [dead] = await store.readStream(deadLetter);
    expect(dead!.type).to.equal('DeadLettered');
    expect(dead!.data).to.deep.include({ consumer_group: g, event_id: recorded.event_id, attempts: 2, error: { name: 'Error', message: 'downstream is down' } });
    expect(dead!.metadata.workspace_id).to.equal('ws-1');

    healthy = true;
    await sendCommand(
      store,
      deadLetterDecider,
      deadLetter,
      { type: 'RequestDeadLetterRetry', data: { dead_letter_id: deadLetterIdOf(g, recorded.event_id), workspace_id: 'ws-1' } },
      { workspaceId: 'ws-1' },
    );
    await waitUntil(async () => (await store.readStream(deadLetter)).some((e) => e.type === 'DeadLetterResolved'));
    expect(handled).to.deep.equal([recorded.event_id]);
  });

  it('dead-letters at once an event the platform could not upcast, never handing it to the handler, and handles the next', async () => {
    const upcaster = strictSessionClosedUpcaster();
    await relay.stop();
    const lifting = createPostgresEventStore({ pool, listenConnectionString: db().url, upcaster });
    relay = startRelay({ store: lifting, broker, knex, pool, log: silent });
    try {
      const g = group();
      const handled: string[] = [];
      await start({ group: g, types: ['SessionClosed'], maxAttempts: 3, handle: async (event) => void handled.push(event.id) });
      const [poison] = (
        await store.append(`session-${randomUUID()}`, [{ type: 'SessionClosed', schema_version: 1, data: {}, metadata: { workspace_id: 'ws-1' } }], {
          expectedVersion: 'any',
        })
      ).events;
      const next = await closeSession();
      const deadLetter = streamId(DEAD_LETTERS_CATEGORY, deadLetterIdOf(g, poison!.event_id));
      await waitUntil(async () => (await store.readStream(deadLetter)).length > 0 && handled.includes(next.event_id));
      const [dead] = await store.readStream(deadLetter);
      expect(dead!.data).to.deep.include({
        event_id: poison!.event_id,
        attempts: 1,
        error: {
          name: 'UpcastFailed',
          message: `upcasting SessionClosed at position ${poison!.global_position} from version 1 failed: ${UNLIFTABLE_SESSION_CLOSED}`,
        },
      });
      expect(handled).to.deep.equal([next.event_id]);
    } finally {
      await relay.stop();
      await lifting.close();
    }
  });

  it('drops a message that is not an event envelope, logging why without its body, never handing it to the handler, and handles the next', async () => {
    const lines: { msg: string; message_id?: string; reason?: string; issues?: { path: string }[] }[] = [];
    const raw: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void (raw.push(line), lines.push(JSON.parse(line) as (typeof lines)[number])) });
    const handled: string[] = [];
    runtime = await startProcessorRuntime(
      { broker, store, knex, log },
      // Idempotent: without the inbox, nothing stands between a delivery and the handler.
      [{ group: group(), types: ['SessionClosed'], idempotent: true, maxAttempts: 3, handle: async (event) => void handled.push(event.id) }],
      // A message left unsettled would come back within the wait below and be logged again.
      { ackWaitMs: 200 },
    );
    const subject = subjectOf('session', 'SessionClosed');
    const notJson = { id: randomUUID(), subject, key: 'k', body: 'not json, sk-secret-1' };
    const notAnEnvelope = { id: randomUUID(), subject, key: 'k', body: JSON.stringify({ type: 'SessionClosed', data: { token: 'sk-secret-2' } }) };
    await broker.publish([notJson, notAnEnvelope]);
    const next = await closeSession();
    await waitUntil(() => handled.includes(next.event_id));
    await sleep(600);
    expect(handled).to.deep.equal([next.event_id]);
    const dropped = lines.filter((l) => l.msg === 'processor got a message that is not an event envelope; dropping it');
    expect(dropped.map((l) => [l.message_id, l.reason])).to.deep.equal([
      [notJson.id, 'not JSON'],
      [notAnEnvelope.id, 'not an event envelope'],
    ]);
    expect(dropped[1]!.issues!.map((i) => i.path)).to.include.members(['specversion', 'id', 'workspaceid']);
    expect(raw.join('')).not.to.match(/sk-secret/);
  });

  it('logs a dependency that fails every event of its group once in its window, not once per event and attempt', async () => {
    const { log, lines } = capturingLogger();
    let failures = 0;
    await start(
      {
        group: group(),
        types: ['SessionClosed'],
        maxAttempts: 3,
        handle: async () => {
          failures++;
          throw new Error('downstream is down');
        },
      },
      log,
    );
    for (let i = 0; i < 5; i++) await closeSession();
    // Each of the five events fails its first two attempts and is retried.
    await waitUntil(() => failures >= 10);
    expect(lines.filter((l) => l.msg === 'processor failed; retrying')).to.have.length(1);
  });
});
