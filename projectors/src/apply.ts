import type { RecordedEvent } from '@agent-platform/contracts';
import { advanceCheckpoint, claimPage, type Knex, type LogCheckpoint } from '@agent-platform/infra';
import type { Projector } from './projector.js';

const after = (a: LogCheckpoint, b: LogCheckpoint): boolean => {
  const ta = BigInt(a.transactionId);
  const tb = BigInt(b.transactionId);
  return ta > tb || (ta === tb && a.globalPosition > b.globalPosition);
};

/**
 * Applies a page of the log and moves the checkpoint in one transaction, so each event changes the
 * read model exactly once. Events at or before the stored checkpoint are skipped: another instance
 * (or an earlier attempt) already applied them.
 */
export const applyPage = async (
  knex: Knex,
  projector: Projector,
  events: readonly RecordedEvent[],
  checkpoint: LogCheckpoint,
): Promise<number> => {
  if (events.length === 0) {
    await advanceCheckpoint(knex, projector.name, checkpoint);
    return 0;
  }
  return knex.transaction(async (trx) => {
    const stored = await claimPage(trx, projector.name, checkpoint);
    if (!after(checkpoint, stored)) return 0;
    let applied = 0;
    for (const event of events) {
      if (!after({ transactionId: event.transaction_id, globalPosition: event.global_position }, stored)) continue;
      await projector.apply(trx, event);
      applied++;
    }
    return applied;
  });
};
