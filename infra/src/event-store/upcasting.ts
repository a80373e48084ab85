import type { EventContract, RecordedEvent } from '@agent-platform/contracts';

export type Upcaster = (event: RecordedEvent) => RecordedEvent;

/** What is kept of a failed step's message: it may quote the event's data. */
const MAX_REASON_CHARS = 500;

/**
 * An event its upcasters could not lift to the current version, refused where it was about to be used as
 * if it were in the current shape. Trying again gives the same answer: the event's own fault.
 */
export class UpcastFailed extends Error {
  override name = 'UpcastFailed';
  constructor(readonly event: Pick<RecordedEvent, 'type' | 'global_position' | 'schema_version' | 'upcast_error'>) {
    super(`upcasting ${event.type} at position ${event.global_position} from version ${event.schema_version} failed: ${event.upcast_error}`);
  }
}

/**
 * Brings old events to the current schema version of their type, one version step at a time.
 * Unknown types pass through untouched so other systems' integration events survive.
 *
 * A step that throws (old data it cannot lift) or is missing does not throw out of the read: the log is
 * read by one shared reader for every projection, the relay and the processors, and one such event would
 * stall them all. The event comes back as stored, at its stored version, with `upcast_error` saying why,
 * so each consumer's own failure handling applies to it (`requireUpcast`).
 */
export const createUpcaster = (contracts: readonly EventContract[]): Upcaster => {
  const byType = new Map(contracts.map((c) => [c.type, c]));
  return (event) => {
    const contract = byType.get(event.type);
    if (!contract || event.schema_version >= contract.version) return event;
    let data = event.data;
    try {
      for (let v = event.schema_version; v < contract.version; v++) {
        const step = contract.upcasters[v];
        if (!step) throw new Error(`no upcaster from version ${v} to ${v + 1}`);
        data = step(data);
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { ...event, upcast_error: reason.slice(0, MAX_REASON_CHARS) };
    }
    return { ...event, data, schema_version: contract.version };
  };
};

/** The event in its current shape, or `UpcastFailed` for one its upcasters could not lift. */
export const requireUpcast = (event: RecordedEvent): RecordedEvent => {
  if (event.upcast_error !== undefined) throw new UpcastFailed(event);
  return event;
};
