import type { RecordedEvent } from '@agent-platform/contracts';
import type { LogCheckpoint, ReadAllOptions } from '../port.js';

const before = (a: RecordedEvent, after: LogCheckpoint): boolean => {
  const tx = BigInt(a.transaction_id);
  const at = BigInt(after.transactionId);
  return tx < at || (tx === at && a.global_position <= after.globalPosition);
};

/**
 * The committed events of an in-memory store in log order, (transaction id, global position), with the
 * horizon of the PostgreSQL store: an event is readable only once no older transaction is still open.
 * Positions are taken when a transaction appends and transaction ids when it begins, so a transaction
 * that commits late lands before events already in the log, exactly the gap a reader must not skip.
 */
export const createLog = () => {
  const committed: RecordedEvent[] = [];
  const byPosition = new Map<number, RecordedEvent>();
  const open = new Set<bigint>();
  let nextTransaction = 1n;
  let nextPosition = 1;
  let head = 0;

  /** The index of the first event after `after`. */
  const indexAfter = (after: LogCheckpoint): number => {
    let low = 0;
    let high = committed.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (before(committed[mid]!, after)) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  const horizon = (): bigint | undefined => (open.size === 0 ? undefined : [...open].reduce((a, b) => (a < b ? a : b)));

  return {
    begin: (): bigint => {
      const id = nextTransaction++;
      open.add(id);
      return id;
    },
    takePosition: (): number => nextPosition++,
    /** Puts a transaction's events in the log; they are visible once no older transaction is open. */
    commit: (transaction: bigint, events: readonly RecordedEvent[]) => {
      open.delete(transaction);
      if (events.length === 0) return;
      committed.splice(indexAfter({ transactionId: String(transaction - 1n), globalPosition: Number.MAX_SAFE_INTEGER }), 0, ...events);
      for (const e of events) {
        byPosition.set(e.global_position, e);
        head = Math.max(head, e.global_position);
      }
    },
    /** A rolled-back transaction leaves nothing but the positions it took: gaps a reader need not wait on. */
    rollback: (transaction: bigint) => void open.delete(transaction),
    read: (options: ReadAllOptions) => {
      const limitTx = horizon();
      const from = indexAfter(options.after);
      const page: RecordedEvent[] = [];
      for (let i = from; i < committed.length && page.length < options.limit; i++) {
        const e = committed[i]!;
        if (limitTx !== undefined && BigInt(e.transaction_id) >= limitTx) break;
        page.push(e);
      }
      const newest = committed.at(-1);
      const blocked = limitTx !== undefined && newest !== undefined && BigInt(newest.transaction_id) >= limitTx;
      return { page, blocked };
    },
    at: (position: number): RecordedEvent | undefined => byPosition.get(position),
    head: (): number => head,
    ids: (): string[] => committed.map((e) => e.event_id),
  };
};
