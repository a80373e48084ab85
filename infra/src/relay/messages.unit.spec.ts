import { expect } from 'chai';
import { EventEnvelope, integrationTypeOf, type RecordedEvent } from '@agent-platform/contracts';
import { toMessage } from './messages.js';

const recorded = (type: string): RecordedEvent => ({
  global_position: 7,
  transaction_id: '901',
  stream_id: 'integration-ws-a:order:1',
  stream_version: 1,
  event_id: '00000000-0000-4000-8000-000000000007',
  type,
  schema_version: 1,
  data: { source_service: 'billing', aggregate_type: 'order', aggregate_id: '1', payload_json: {} },
  metadata: { workspace_id: 'ws-a' },
  recorded_at: '2026-01-01T00:00:00.000Z',
});

describe('the relay message of an integration event', () => {
  it('publishes the type its publisher asked for, on the integration subject, not the namespaced type it is stored under', () => {
    const message = toMessage(recorded(integrationTypeOf('order.paid')));
    expect(message.subject).to.equal('agentplatform.events.integration.order_paid');
    const envelope = EventEnvelope.parse(JSON.parse(message.body));
    expect(envelope).to.include({ type: 'order.paid', source: '/agent-platform/integration' });
  });

  it('publishes a forged AgentRunQueued on the integration subject, where no agent-runs processor listens', () => {
    const message = toMessage(recorded(integrationTypeOf('AgentRunQueued')));
    expect(message.subject).to.equal('agentplatform.events.integration.AgentRunQueued');
    expect(JSON.parse(message.body)).to.include({ type: 'AgentRunQueued' });
  });
});

describe('the relay message of an event larger than the broker carries', () => {
  const event = recorded('SessionMessageAppended');

  it('leaves `data` out and names where the log serves the event (a claim check), within the limit', () => {
    const whole = toMessage(event);
    const limit = Buffer.byteLength(whole.body) - 1;
    const claim = toMessage(event, limit);
    const envelope = EventEnvelope.parse(JSON.parse(claim.body));
    expect(envelope).to.include({ data: null, dataref: '/streams/integration-ws-a%3Aorder%3A1?from_version=1&limit=1', id: event.event_id });
    expect(Buffer.byteLength(claim.body)).to.be.at.most(limit);
    expect(claim).to.include({ id: whole.id, subject: whole.subject, key: whole.key });
  });

  it('carries an event that fits whole, with no dataref', () => {
    const message = toMessage(event, Buffer.byteLength(toMessage(event).body));
    expect(JSON.parse(message.body)).to.not.have.property('dataref');
  });
});
