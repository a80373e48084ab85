import type { RecordedEvent } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';

/**
 * A read model: the event types it handles, the tables it owns, and the SQL it runs per event.
 * `apply` runs inside the transaction that also moves the projector's checkpoint.
 */
export type Projector = {
  name: string;
  handles: readonly string[];
  /** Emptied by a replay before the log is applied again. */
  tables: readonly string[];
  apply: (trx: Knex.Transaction, event: RecordedEvent) => Promise<void>;
};
