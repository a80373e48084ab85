import type { Knex } from 'knex';
import type { DeliveryStatus, DeliveryStatusBody, RecordedEvent } from '@agent-platform/contracts';
import type { EventStore } from '../event-store/port.js';

export type DeliveryRow = {
  event_id: string;
  global_position: number;
  event: RecordedEvent;
  status: DeliveryStatus;
  attempts: number;
  lease_until: Date | null;
};

export type ClaimOptions = { workspaceId: string; consumer: string; limit: number; leaseSeconds: number; maxAttempts?: number };

/** Bounds the log a claim scans for a workspace's events, so a quiet workspace on a busy log answers quickly. */
const MAX_SCAN = 5000;

/**
 * Gives an HTTP consumer a leased batch of its workspace's events that are not delivered yet, oldest first:
 * events it has not been offered yet are taken from the log (gap-safe, from its cursor), then every
 * offered event that is pending or failed and whose lease ran out is leased to it again. Claims of one
 * consumer are serialised on its cursor row; two claims never lease the same event.
 */
export const claimPending = async (knex: Knex, store: EventStore, o: ClaimOptions): Promise<DeliveryRow[]> =>
  knex.transaction(async (trx) => {
    await trx.raw('INSERT INTO ap_http_consumers (workspace_id, consumer) VALUES (?, ?) ON CONFLICT DO NOTHING', [o.workspaceId, o.consumer]);
    const cursor = await trx('ap_http_consumers')
      .select(trx.raw('transaction_id::text AS transaction_id'), 'global_position')
      .where({ workspace_id: o.workspaceId, consumer: o.consumer })
      .forUpdate()
      .first();
    let checkpoint = { transactionId: cursor.transaction_id as string, globalPosition: Number(cursor.global_position) };
    for (let added = 0, scanned = 0; added < o.limit && scanned < MAX_SCAN; ) {
      const page = await store.readAll({ after: checkpoint, limit: 500 });
      if (page.scanned === 0) break;
      scanned += page.scanned;
      checkpoint = page.checkpoint;
      const rows = page.events
        .filter((e) => e.metadata.workspace_id === o.workspaceId)
        .map((e) => ({ workspace_id: o.workspaceId, consumer: o.consumer, event_id: e.event_id, global_position: e.global_position, event: e }));
      if (rows.length) await trx('ap_http_deliveries').insert(rows).onConflict(['workspace_id', 'consumer', 'event_id']).ignore();
      added += rows.length;
    }
    await trx('ap_http_consumers')
      .where({ workspace_id: o.workspaceId, consumer: o.consumer })
      .update({ transaction_id: trx.raw('?::xid8', [checkpoint.transactionId]), global_position: checkpoint.globalPosition });
    const { rows } = await trx.raw(
      `UPDATE ap_http_deliveries d SET lease_until = now() + make_interval(secs => ?), attempts = d.attempts + 1, updated_at = now()
       FROM (SELECT event_id FROM ap_http_deliveries
             WHERE workspace_id = ? AND consumer = ? AND status <> 'delivered' AND attempts < ?
               AND (lease_until IS NULL OR lease_until < now())
             ORDER BY global_position LIMIT ? FOR UPDATE SKIP LOCKED) c
       WHERE d.workspace_id = ? AND d.consumer = ? AND d.event_id = c.event_id
       RETURNING d.event_id, d.global_position, d.event, d.status, d.attempts, d.lease_until`,
      [o.leaseSeconds, o.workspaceId, o.consumer, o.maxAttempts ?? 10, o.limit, o.workspaceId, o.consumer],
    );
    return (rows as DeliveryRow[]).sort((a, b) => a.global_position - b.global_position);
  });

/** Settles a claimed event; false when the consumer was never offered it. */
export const settleDelivery = async (
  knex: Knex,
  o: { workspaceId: string; consumer: string; eventId: string; status: DeliveryStatusBody['status']; error?: string },
): Promise<DeliveryRow | undefined> => {
  const [row] = await knex('ap_http_deliveries')
    .where({ workspace_id: o.workspaceId, consumer: o.consumer, event_id: o.eventId })
    .update({ status: o.status, last_error: o.error ?? null, lease_until: null, updated_at: knex.fn.now() })
    .returning(['event_id', 'global_position', 'event', 'status', 'attempts', 'lease_until']);
  return row as DeliveryRow | undefined;
};
