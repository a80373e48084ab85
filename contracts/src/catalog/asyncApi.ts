import { SUBJECT_PREFIX, subjectOf } from '../broker.js';
import type { EventContract } from '../events.js';
import { envelopeBaseSchema, eventJsonSchema, type JsonSchema } from './jsonSchemas.js';

/** The one JetStream stream that stores every subject under `agentplatform.events.>`. */
export const JETSTREAM_STREAM = 'AGENTPLATFORM_EVENTS';
/** NATS has no message key, so the ordering key travels in this header; Kafka uses the record key. */
export const KEY_HEADER = 'Agent-Platform-Key';
export const kafkaTopicOf = (category: string): string => `${SUBJECT_PREFIX}.${category}`;

const DELIVERY =
  'Delivery is at least once: a message can arrive again (a redelivery after a missed ack, or a re-publish ' +
  'from the event log after a broker loss), so deduplicate on the envelope `id` (= `Nats-Msg-Id`). ' +
  'Messages of one stream (the envelope `subject`, = the Kafka key) are published in `streamversion` order; ' +
  'there is no order across streams. The event store, not the broker, is the durable record.';

const ref = ($ref: string) => ({ $ref });
/** Categories in catalog order (Map.groupBy needs Node 21). */
const byCategory = (catalog: readonly EventContract[]) => {
  const groups = new Map<string, EventContract[]>();
  for (const c of catalog) groups.set(c.category, [...(groups.get(c.category) ?? []), c]);
  return groups;
};
const messagesOf = (contracts: readonly EventContract[]) =>
  Object.fromEntries(contracts.map((c) => [c.type, ref(`#/components/messages/${c.type}`)]));
const schemaKey = (c: EventContract) => `${c.type}.v${c.version}`;

const message = (c: EventContract) => ({
  name: c.type,
  title: c.type,
  summary: c.description,
  contentType: 'application/cloudevents+json',
  headers: ref('#/components/schemas/Headers'),
  payload: {
    allOf: [
      ref('#/components/schemas/EventEnvelope'),
      {
        properties: {
          type: { const: c.type },
          schemaversion: { const: c.version },
          source: { const: `/agent-platform/${c.category}` },
          data: ref(`#/components/schemas/${schemaKey(c)}`),
        },
      },
    ],
  },
  correlationId: ref('#/components/correlationIds/correlationid'),
  bindings: {
    kafka: { key: { type: 'string', description: 'The stream id (the envelope `subject`).' }, bindingVersion: '0.5.0' },
  },
});

/** AsyncAPI schemas are a superset of JSON Schema draft-07: the data schemas go in without `$schema`/`$id`. */
const embedded = (c: EventContract): JsonSchema => {
  const { $schema: _s, $id: _i, ...schema } = eventJsonSchema(c);
  return schema;
};

/** The platform's side of the broker: it sends every event on its subject and topic, and its processors receive by wildcard. */
export const asyncApiDocument = (catalog: readonly EventContract[]): JsonSchema => {
  const categories = [...byCategory(catalog)];
  const nats = [ref('#/servers/nats')];
  const kafka = [ref('#/servers/kafka')];
  const channels: Record<string, JsonSchema> = {
    all: {
      address: `${SUBJECT_PREFIX}.>`,
      title: 'Every event (NATS wildcard)',
      description: `Subscribe here for every event of stream ${JETSTREAM_STREAM}.`,
      servers: nats,
      messages: messagesOf(catalog),
    },
  };
  const operations: Record<string, JsonSchema> = {
    receiveAll: { action: 'receive', title: 'Consume every event', channel: ref('#/channels/all'), description: DELIVERY },
  };
  for (const [category, contracts] of categories) {
    channels[category] = {
      address: `${SUBJECT_PREFIX}.${category}.>`,
      title: `Every ${category} event (NATS wildcard)`,
      servers: nats,
      messages: messagesOf(contracts),
    };
    operations[`receive.${category}`] = {
      action: 'receive',
      title: `Consume ${category} events`,
      description: `A durable pull consumer filtered on \`${SUBJECT_PREFIX}.${category}.>\`; ack each message explicitly. ${DELIVERY}`,
      channel: ref(`#/channels/${category}`),
    };
    channels[`kafka.${category}`] = {
      address: kafkaTopicOf(category),
      title: `Kafka topic of ${category} events`,
      description: 'One topic per category; the record key is the stream id, so one stream stays in one partition, in order.',
      servers: kafka,
      messages: messagesOf(contracts),
      bindings: { kafka: { topic: kafkaTopicOf(category), bindingVersion: '0.5.0' } },
    };
    operations[`send.kafka.${category}`] = {
      action: 'send',
      title: `Publish ${category} events to Kafka`,
      description: `Idempotent producer, key = stream id. ${DELIVERY}`,
      channel: ref(`#/channels/kafka.${category}`),
    };
    for (const c of contracts) {
      channels[`${category}.${c.type}`] = {
        address: subjectOf(category, c.type),
        title: c.type,
        description: c.description,
        servers: nats,
        messages: { [c.type]: ref(`#/components/messages/${c.type}`) },
      };
      operations[`send.${category}.${c.type}`] = {
        action: 'send',
        title: `Publish ${c.type}`,
        description: `Published with \`Nats-Msg-Id\` = event id. ${DELIVERY}`,
        channel: ref(`#/channels/${category}.${c.type}`),
        messages: [ref(`#/channels/${category}.${c.type}/messages/${c.type}`)],
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'agent-platform events',
      version: '1.0.0',
      description: `Every event the platform records, as a CloudEvents 1.0 JSON envelope. ${DELIVERY}`,
    },
    defaultContentType: 'application/cloudevents+json',
    servers: {
      nats: {
        host: 'localhost:4222',
        protocol: 'nats',
        description:
          `NATS JetStream, stream \`${JETSTREAM_STREAM}\` over \`${SUBJECT_PREFIX}.>\`, deduplicating on \`Nats-Msg-Id\` ` +
          'within its duplicate window. File storage fsyncs every `sync_interval` (2 min by default): after a broker ' +
          'loss the platform re-publishes from its event log, and the duplicates are dropped by id.',
        'x-jetstream-stream': JETSTREAM_STREAM,
      },
      kafka: { host: 'localhost:9092', protocol: 'kafka', description: 'Optional Kafka: a topic per category, keyed by stream id.' },
    },
    channels,
    operations,
    components: {
      schemas: {
        EventEnvelope: envelopeBaseSchema(),
        Headers: {
          type: 'object',
          properties: {
            'Nats-Msg-Id': { type: 'string', description: 'NATS: the event id, the JetStream dedup key (= envelope `id`).' },
            [KEY_HEADER]: { type: 'string', description: 'The stream id (= envelope `subject`), the per-stream ordering key.' },
          },
        },
        ...Object.fromEntries(catalog.map((c) => [schemaKey(c), embedded(c)])),
      },
      messages: Object.fromEntries(catalog.map((c) => [c.type, message(c)])),
      correlationIds: {
        correlationid: { description: 'The correlation id of the command that caused the event.', location: '$message.payload#/correlationid' },
      },
    },
  };
};
