import { z } from 'zod';
import { EventEnvelope } from '../broker.js';
import type { EventContract } from '../events.js';

export type JsonSchema = { [keyword: string]: unknown };

/** An identifier, not a URL to fetch: the files live in `contracts/catalog/`, laid out as the ids say. */
export const CATALOG_BASE_URI = 'https://agent-platform.example/catalog/';
const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/** Where a type's schema lives, relative to the catalog root; the version is in the name so old ones can stay. */
export const eventSchemaPath = (contract: EventContract): string => `events/${contract.type}.v${contract.version}.schema.json`;
export const ENVELOPE_SCHEMA_PATH = 'envelope.schema.json';

/** The `data` of one event type at its current version, as written (`io: 'output'`). */
export const eventJsonSchema = (contract: EventContract): JsonSchema => {
  const { $schema: _, ...body } = z.toJSONSchema(contract.schema, { target: 'draft-2020-12', io: 'output' });
  return {
    $schema: DRAFT_2020_12,
    $id: CATALOG_BASE_URI + eventSchemaPath(contract),
    title: contract.type,
    description: contract.description,
    'x-category': contract.category,
    'x-schema-version': contract.version,
    ...body,
  };
};

/**
 * The envelope's own attributes, with `data` left open. CloudEvents consumers must accept extension
 * attributes they do not know, so extra properties are allowed (zod's output would forbid them).
 */
export const envelopeBaseSchema = (): JsonSchema => {
  const generated = z.toJSONSchema(EventEnvelope, { target: 'draft-2020-12', io: 'output' });
  const base = (generated.$defs as Record<string, JsonSchema> | undefined)?.EventEnvelope;
  if (!base) throw new Error('EventEnvelope is expected under $defs: it is registered with an id');
  const { additionalProperties: _, ...open } = base;
  return open;
};

/**
 * The whole message. An envelope of a catalog type at its current version must carry that type's
 * data; other types (integration events) and older versions pass with `data` unchecked here.
 */
export const envelopeJsonSchema = (catalog: readonly EventContract[]): JsonSchema => ({
  $schema: DRAFT_2020_12,
  $id: CATALOG_BASE_URI + ENVELOPE_SCHEMA_PATH,
  title: 'EventEnvelope',
  description:
    'One platform event as a CloudEvents 1.0 structured JSON message. `data` follows ' +
    '`events/<type>.v<schemaversion>.schema.json`.',
  ...envelopeBaseSchema(),
  allOf: catalog.map((contract) => ({
    if: {
      properties: { type: { const: contract.type }, schemaversion: { const: contract.version } },
      required: ['type', 'schemaversion'],
    },
    then: {
      properties: { source: { const: `/agent-platform/${contract.category}` }, data: { $ref: eventSchemaPath(contract) } },
    },
  })),
});
