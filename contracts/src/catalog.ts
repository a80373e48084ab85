import type { EventContract } from './events.js';
import { domains } from './domains.js';

/** Every event type the platform emits, with its current version and upcasters: the events of every domain. */
export const eventCatalog: readonly EventContract[] = domains.flatMap((domain) => domain.events);

const versions = new Map(eventCatalog.map((c) => [c.type, c.version]));

/** The version new events of a type are written at; types outside the catalog are at 1. */
export const schemaVersionOf = (type: string): number => versions.get(type) ?? 1;

const categories = new Map(eventCatalog.map((c) => [c.type, c.category]));

/** Events from other systems (POST /events) are not in the catalog: they travel as `integration`. */
export const INTEGRATION_CATEGORY = 'integration';

export const categoryOf = (type: string): string => categories.get(type) ?? INTEGRATION_CATEGORY;
