import type { EventContract } from './events.js';
import { agentRunEvents } from './agent-runs.js';
import { agentEvents } from './agents.js';
import { deadLetterEvents } from './dead-letters.js';
import { sessionEvents } from './sessions.js';
import { toolEvents } from './tools.js';

/** Every event type the platform emits, with its current version and upcasters. */
export const eventCatalog: readonly EventContract[] = [...sessionEvents, ...deadLetterEvents, ...toolEvents, ...agentEvents, ...agentRunEvents];

const versions = new Map(eventCatalog.map((c) => [c.type, c.version]));

/** The version new events of a type are written at; types outside the catalog are at 1. */
export const schemaVersionOf = (type: string): number => versions.get(type) ?? 1;

const categories = new Map(eventCatalog.map((c) => [c.type, c.category]));

/** Events from other systems (POST /events) are not in the catalog: they travel as `integration`. */
export const INTEGRATION_CATEGORY = 'integration';

export const categoryOf = (type: string): string => categories.get(type) ?? INTEGRATION_CATEGORY;
