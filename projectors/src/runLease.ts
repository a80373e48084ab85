import type { Knex } from '@agent-platform/infra';

/** What every kind of run's lease event says of its holder (agent, skill and team runs alike). */
type Lease = { worker_key: string; attempt: number; lease_expires_at: string };

/**
 * The columns a lease sets on a run's row, whatever the kind of run: who holds it, how many leases it
 * took, until when, and when it first started (a resumed run keeps its first start).
 */
export const leaseColumns = (sql: Knex, lease: Lease, recordedAt: string) => ({
  worker_key: lease.worker_key,
  attempts: lease.attempt,
  lease_expires_at: lease.lease_expires_at,
  started_time: sql.raw('coalesce(started_time, ?)', [recordedAt]),
  updated_time: recordedAt,
});
