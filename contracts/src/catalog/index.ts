import { eventCatalog } from '../catalog.js';
import type { EventContract } from '../events.js';
import { asyncApiDocument } from './asyncApi.js';
import { ENVELOPE_SCHEMA_PATH, envelopeJsonSchema, eventJsonSchema, eventSchemaPath } from './jsonSchemas.js';

export * from './asyncApi.js';
export * from './jsonSchemas.js';

export const ASYNCAPI_PATH = 'asyncapi.json';

/** Pretty-printed with a final newline, so the committed files diff line by line. */
const render = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * The public event catalog as files, path (relative to `contracts/catalog/`) → content. Pure and
 * deterministic: the CLI writes exactly this and the drift test compares against exactly this.
 */
export const catalogFiles = (catalog: readonly EventContract[] = eventCatalog): Map<string, string> =>
  new Map([
    ...catalog.map((c): [string, string] => [eventSchemaPath(c), render(eventJsonSchema(c))]),
    [ENVELOPE_SCHEMA_PATH, render(envelopeJsonSchema(catalog))],
    [ASYNCAPI_PATH, render(asyncApiDocument(catalog))],
  ]);
