import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import specs from '@asyncapi/specs';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import { categoryOf, eventCatalog, schemaVersionOf, streamId, toEnvelope, type RecordedEvent } from '../index.js';
import { ASYNCAPI_PATH, catalogFiles, ENVELOPE_SCHEMA_PATH, eventSchemaPath, kafkaTopicOf } from './index.js';

const root = new URL('../../catalog/', import.meta.url);
const generated = catalogFiles();
const parse = (path: string) => JSON.parse(generated.get(path) ?? 'null') as Record<string, unknown>;
const committedPaths = (dir = ''): string[] =>
  readdirSync(new URL(dir, root), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? committedPaths(`${dir}${e.name}/`) : [dir + e.name]));

/** What a consumer does: ajv for 2020-12, formats (uuid), and our `x-` keywords declared as annotations. */
const consumerAjv = () => {
  const ajv = new Ajv2020({ allErrors: true });
  addFormats.default(ajv);
  ajv.addVocabulary(['x-category', 'x-schema-version']);
  for (const c of eventCatalog) ajv.addSchema(parse(eventSchemaPath(c)));
  return ajv;
};

const sessionId = randomUUID();
let position = 41;
const recorded = (type: string, streamVersion: number, data: unknown): RecordedEvent => ({
  global_position: ++position,
  transaction_id: '90211',
  stream_id: streamId('session', sessionId),
  stream_version: streamVersion,
  event_id: randomUUID(),
  type,
  schema_version: schemaVersionOf(type),
  data,
  metadata: { workspace_id: 'ws-acme', correlation_id: randomUUID(), causation_id: randomUUID(), user_id: 'user-7' },
  recorded_at: '2025-03-04T10:15:30.123Z',
});
const sessionExamples = [
  recorded('SessionOpened', 1, {
    session_id: sessionId,
    app_id: 'support-bot',
    user_id: 'user-7',
    channel_type: 'web',
    title: 'Refund for order 1182',
    metadata_json: { locale: 'en-GB' },
  }),
  recorded('SessionMessageAppended', 2, {
    session_id: sessionId,
    message_id: randomUUID(),
    seq_no: 1,
    role: 'user',
    content_text: 'I was charged twice for order 1182.',
    metadata_json: {},
  }),
  recorded('SessionClosed', 3, { session_id: sessionId }),
];
const envelopeOf = (event: RecordedEvent) => toEnvelope(event, categoryOf(event.type));

describe('public event catalog (contracts/catalog)', () => {
  it('matches the committed files, so it cannot drift from the zod contracts', () => {
    for (const [path, content] of generated) {
      let committed: string | undefined;
      try {
        committed = readFileSync(new URL(path, root), 'utf8');
      } catch {
        committed = undefined;
      }
      expect(committed, `contracts/catalog/${path} is missing or stale: run \`npm run catalog\` and commit the result`).to.equal(content);
    }
  });

  it('keeps no other files, except schemas of older versions of a catalog type', () => {
    const older = (path: string) =>
      eventCatalog.some((c) => [...Array(c.version - 1).keys()].some((v) => path === `events/${c.type}.v${v + 1}.schema.json`));
    const strays = committedPaths().filter((path) => !generated.has(path) && !older(path));
    expect(strays, 'not generated from any contract: delete them, then run `npm run catalog`').to.deep.equal([]);
  });

  it('has a draft 2020-12 schema per catalog type that compiles, named and annotated after its contract', () => {
    const ajv = consumerAjv();
    for (const c of eventCatalog) {
      const schema = parse(eventSchemaPath(c));
      expect(schema).to.include({ $schema: 'https://json-schema.org/draft/2020-12/schema', title: c.type, description: c.description });
      expect(schema).to.include({ 'x-category': c.category, 'x-schema-version': c.version });
      expect(ajv.getSchema(String(schema.$id)), c.type).to.be.a('function');
    }
    expect(ajv.compile(parse(ENVELOPE_SCHEMA_PATH))).to.be.a('function');
  });

  it('accepts real envelopes of every session event', () => {
    const validate = consumerAjv().compile(parse(ENVELOPE_SCHEMA_PATH));
    for (const event of sessionExamples) {
      expect(validate(envelopeOf(event)), `${event.type}: ${JSON.stringify(validate.errors)}`).to.equal(true);
    }
  });

  it('rejects an envelope whose data does not fit its type, and accepts any data for types outside the catalog', () => {
    const validate = consumerAjv().compile(parse(ENVELOPE_SCHEMA_PATH));
    const opened = envelopeOf(sessionExamples[0]!);
    const { app_id: _, ...withoutAppId } = opened.data as Record<string, unknown>;
    expect(validate({ ...opened, data: withoutAppId })).to.equal(false);
    expect(validate.errors?.map((e) => e.params)).to.deep.include({ missingProperty: 'app_id' });
    expect(validate({ ...opened, source: '/agent-platform/audit' }), 'source names the category').to.equal(false);
    const { workspaceid: _w, ...withoutWorkspace } = opened;
    expect(validate(withoutWorkspace), 'extensions are required').to.equal(false);
    const integration = { ...opened, type: 'InvoicePaid', source: '/agent-platform/integration', data: { amount: 12 } };
    expect(validate(integration), JSON.stringify(validate.errors)).to.equal(true);
  });

  it('is a valid AsyncAPI 3.0 document (the schema AsyncAPI publishes in @asyncapi/specs)', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    // As @asyncapi/parser does: ajv has the draft-07 meta-schema already and refuses a second copy.
    const schema = structuredClone(specs.schemas['3.0.0']) as { definitions: Record<string, unknown> };
    delete schema.definitions['http://json-schema.org/draft-07/schema'];
    const validate = ajv.compile(schema);
    expect(validate(parse(ASYNCAPI_PATH)), JSON.stringify(validate.errors, null, 2)).to.equal(true);
  });

  it('describes each NATS subject, the wildcard subscriptions and a Kafka topic per category', () => {
    const doc = parse(ASYNCAPI_PATH) as { channels: Record<string, { address: string; messages: Record<string, unknown> }> };
    const addresses = Object.values(doc.channels).map((c) => c.address);
    expect(addresses).to.include.members(['agentplatform.events.>', 'agentplatform.events.session.>', 'agentplatform.events.session']);
    for (const c of eventCatalog) {
      expect(addresses).to.include.members([`agentplatform.events.${c.category}.${c.type}`, kafkaTopicOf(c.category)]);
      expect(doc.channels[`kafka.${c.category}`]?.messages).to.have.property(c.type);
    }
  });

  it('gives each AsyncAPI message the payload of a real envelope of its type', () => {
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv);
    ajv.addSchema(parse(ASYNCAPI_PATH), 'asyncapi');
    for (const event of sessionExamples) {
      const validate = ajv.getSchema(`asyncapi#/components/messages/${event.type}/payload`)!;
      expect(validate(envelopeOf(event)), `${event.type}: ${JSON.stringify(validate.errors)}`).to.equal(true);
      expect(validate({ ...envelopeOf(event), data: {} }), event.type).to.equal(false);
    }
  });
});
