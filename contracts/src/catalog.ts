import type { EventContract } from './events.js';
import { domains } from './domains.js';
import { INTEGRATION_CATEGORY } from './integration.js';

/** Every event type the platform emits, with its current version and upcasters: the events of every domain. */
export const eventCatalog: readonly EventContract[] = domains.flatMap((domain) => domain.events);

const versions = new Map(eventCatalog.map((c) => [c.type, c.version]));

/** The version new events of a type are written at; types outside the catalog are at 1. */
export const schemaVersionOf = (type: string): number => versions.get(type) ?? 1;

const categories = new Map(eventCatalog.map((c) => [c.type, c.category]));

export { INTEGRATION_CATEGORY };

export const categoryOf = (type: string): string => categories.get(type) ?? INTEGRATION_CATEGORY;
