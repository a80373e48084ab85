import type { EventContract, RecordedEvent } from '@agent-platform/contracts';

export type Upcaster = (event: RecordedEvent) => RecordedEvent;

/**
 * Brings old events to the current schema version of their type, one version step at a time.
 * Unknown types pass through untouched so other systems' integration events survive.
 */
export const createUpcaster = (contracts: readonly EventContract[]): Upcaster => {
  const byType = new Map(contracts.map((c) => [c.type, c]));
  return (event) => {
    const contract = byType.get(event.type);
    if (!contract || event.schema_version >= contract.version) return event;
    let data = event.data;
    for (let v = event.schema_version; v < contract.version; v++) {
      const step = contract.upcasters[v];
      if (!step) throw new Error(`no upcaster for ${event.type} from version ${v} to ${v + 1}`);
      data = step(data);
    }
    return { ...event, data, schema_version: contract.version };
  };
};
