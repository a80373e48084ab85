import type { DomainEvent, EventEnvelope } from '@agent-platform/contracts';
import { sendCommand, type Decider } from '@agent-platform/command-api';
import type { EventStore, Knex } from '@agent-platform/infra';
import type { Processor } from '@agent-platform/processors';

/**
 * The processor the fault tests run, and how they observe it. It records every delivery it sees in
 * `fault_attempts` (outside any transaction, so a member killed mid-handling leaves its trace) and its
 * effect in one of the two ways the runtime makes once-in-effect:
 *
 * * `row`: a `transactional` processor inserting into `fault_effects` in the inbox's transaction.
 *   The table has no unique constraint on purpose: a second effect would show as a second row.
 * * `command`: slow work that must not hold a transaction open, sending its effect as a command
 *   (`RecordFaultEffect` → `FaultEffectRecorded` in stream `faulteffect-<event id>`) with the
 *   idempotency key of `context.commandContext('effect')`.
 *
 * An event whose data carries `payload_json.block` (`before-effect` or `after-effect`) makes the
 * handler block on its first delivery, at that point, until the member is killed.
 */
export type EffectMode = 'row' | 'command';
export type BlockAt = 'before-effect' | 'after-effect';

export const FAULT_TABLES = ['fault_attempts', 'fault_effects'] as const;

export const createFaultTables = async (knex: Knex): Promise<void> => {
  await knex.raw(`CREATE TABLE IF NOT EXISTS fault_attempts (
    id bigserial PRIMARY KEY,
    consumer_group text NOT NULL,
    event_id uuid NOT NULL,
    pid integer NOT NULL,
    attempt integer NOT NULL,
    phase text NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
  )`);
  await knex.raw(`CREATE TABLE IF NOT EXISTS fault_effects (
    id bigserial PRIMARY KEY,
    consumer_group text NOT NULL,
    event_id uuid NOT NULL,
    pid integer NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
  )`);
};

export type RecordFaultEffect = { type: 'RecordFaultEffect'; data: { event_id: string; consumer_group: string } };
export type FaultEffectRecorded = DomainEvent<'FaultEffectRecorded', { event_id: string; consumer_group: string }>;

/** The effect as a command: no rule to keep, one event per command; idempotency is the handler's. */
export const faultEffectDecider: Decider<null, RecordFaultEffect, FaultEffectRecorded> = {
  initialState: () => null,
  evolve: (state) => state,
  decide: (command) => [{ type: 'FaultEffectRecorded', data: command.data }],
};

export const faultEffectStream = (eventId: string): string => `faulteffect-${eventId}`;

/** How long a blocked handler waits before giving up; the test kills its member long before. */
const BLOCK_MS = 120_000;

const blockOf = (event: EventEnvelope): BlockAt | undefined => {
  const block = (event.data as { payload_json?: { block?: unknown } } | null)?.payload_json?.block;
  return block === 'before-effect' || block === 'after-effect' ? block : undefined;
};

export type FaultProcessorOptions = { group: string; types: readonly string[]; mode: EffectMode; concurrency?: number };

export const faultProcessor = (deps: { store: EventStore; knex: Knex }, options: FaultProcessorOptions): Processor => {
  const attempt = (event: EventEnvelope, n: number, phase: string) =>
    deps.knex('fault_attempts').insert({ consumer_group: options.group, event_id: event.id, pid: process.pid, attempt: n, phase });
  const block = async (event: EventEnvelope, n: number, at: BlockAt) => {
    await attempt(event, n, `blocked-${at}`);
    await new Promise((resolve) => setTimeout(resolve, BLOCK_MS));
  };
  return {
    group: options.group,
    types: options.types,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.mode === 'row' ? { transactional: true } : {}),
    handle: async (event, context) => {
      await attempt(event, context.attempt, 'started');
      const blockAt = context.attempt === 1 ? blockOf(event) : undefined;
      if (blockAt === 'before-effect') await block(event, context.attempt, blockAt);
      if (options.mode === 'row') {
        await context.trx!('fault_effects').insert({ consumer_group: options.group, event_id: event.id, pid: process.pid });
      } else {
        await sendCommand(
          deps.store,
          faultEffectDecider,
          faultEffectStream(event.id),
          { type: 'RecordFaultEffect', data: { event_id: event.id, consumer_group: options.group } },
          context.commandContext('effect'),
          { stateless: true },
        );
      }
      if (blockAt === 'after-effect') await block(event, context.attempt, blockAt);
    },
  };
};
