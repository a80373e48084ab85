import type { EventEnvelope } from '@agent-platform/contracts';
import { markHandled, wasHandled, type Knex } from '@agent-platform/infra';
import type { Processor, ProcessorContext } from './processor.js';

export const contextFor = (processor: Processor, event: EventEnvelope, attempt: number, trx?: Knex.Transaction): ProcessorContext => ({
  attempt,
  commandContext: (step = '') => ({
    workspaceId: event.workspaceid,
    correlationId: event.correlationid ?? event.id,
    causationId: event.id,
    idempotencyKey: `${processor.group}:${event.id}:${step}`,
  }),
  ...(trx ? { trx } : {}),
});

/**
 * Runs a processor on one event at most once in effect; resolves false when the group had handled it
 * already (an `idempotent` one is run again, and its effects make that harmless). Throws what the handler threw, with nothing recorded, so the event can be tried again.
 */
export const runOnce = async (knex: Knex, processor: Processor, event: EventEnvelope, attempt: number): Promise<boolean> => {
  if (processor.idempotent) {
    await processor.handle(event, contextFor(processor, event, attempt));
    return true;
  }
  if (await wasHandled(knex, processor.group, event.id)) return false;
  if (processor.transactional) {
    return knex.transaction(async (trx) => {
      if (!(await markHandled(trx, processor.group, event.id))) return false;
      await processor.handle(event, contextFor(processor, event, attempt, trx));
      return true;
    });
  }
  await processor.handle(event, contextFor(processor, event, attempt));
  await markHandled(knex, processor.group, event.id);
  return true;
};
