import type { RecordedEvent } from '@agent-platform/contracts';
import { claimPage, type Knex } from '@agent-platform/infra';
import { after, positionOf } from '../apply.js';
import { ProjectionThrew } from '../projectionThrew.js';

/** An error's message may quote the event's data; what is kept of it is bounded. */
const MAX_MESSAGE_CHARS = 2000;

export const describeFailure = (error: unknown): { message: string; code: string | null } => {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ProjectionThrew ? null : (error as { code?: unknown } | undefined)?.code;
  return { message: message.slice(0, MAX_MESSAGE_CHARS), code: typeof code === 'string' ? code : null };
};

/**
 * Records an event the projection could not apply, with its error, and moves the projection's checkpoint
 * past it, in one transaction: the projection goes on with the events after it, and the record stays for
 * an operator (`GET /projections`, `/ready`). False when the checkpoint had passed the event already (another
 * instance applied or parked it meanwhile): nothing is recorded then.
 */
export const parkEvent = (knex: Knex, projection: string, event: RecordedEvent, error: unknown, attempts: number): Promise<boolean> =>
  knex.transaction(async (trx) => {
    const stored = await claimPage(trx, projection, positionOf(event));
    if (!after(positionOf(event), stored)) return false;
    const failure = describeFailure(error);
    await trx('ap_parked_events')
      .insert({
        projection,
        global_position: event.global_position,
        transaction_id: event.transaction_id,
        event_id: event.event_id,
        stream_id: event.stream_id,
        event_type: event.type,
        attempts,
        error_message: failure.message,
        error_code: failure.code,
      })
      .onConflict(['projection', 'global_position'])
      .ignore();
    return true;
  });

/** A replay applies the whole log again, so what it parked before is forgotten, in the replay's truncation. */
export const forgetParked = (trx: Knex.Transaction, projection: string) => trx('ap_parked_events').where({ projection }).delete();
