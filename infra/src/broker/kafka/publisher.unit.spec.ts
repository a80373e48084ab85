import { expect } from 'chai';
import type { Producer, ProducerBatch } from 'kafkajs';
import { BrokerUnavailable } from '../errors.js';
import type { OutgoingMessage } from '../port.js';
import { createPublisher } from './publisher.js';

const message = (id: string, category = 'agents', key = 'agent-1'): OutgoingMessage => ({
  id,
  subject: `agentplatform.events.${category}.AgentCreated`,
  key,
  body: `{"id":"${id}"}`,
});

const fakeProducer = (fail = false) => {
  const sent: ProducerBatch[] = [];
  const producer = {
    sendBatch: async (batch: ProducerBatch) => {
      if (fail) throw new Error('no leader');
      sent.push(batch);
      return [];
    },
  } as unknown as Producer;
  return { sent, producer: async () => producer };
};

describe('Kafka publisher', () => {
  it('sends one batch per publish, to the category topic, keyed by stream, with id and subject headers, acks=-1', async () => {
    const { sent, producer } = fakeProducer();
    const created: string[][] = [];
    const publish = createPublisher({ producer, ensureTopics: async (t) => created.push([...t]), duplicateWindowMs: 60_000 });
    const acks = await publish([message('1'), message('2', 'sessions', 'session-1'), message('3')]);
    expect(acks).to.deep.equal([
      { id: '1', duplicate: false },
      { id: '2', duplicate: false },
      { id: '3', duplicate: false },
    ]);
    expect(created).to.deep.equal([['agentplatform.events.agents', 'agentplatform.events.sessions']]);
    expect(sent).to.have.length(1);
    expect(sent[0]!.acks).to.equal(-1);
    const agents = sent[0]!.topicMessages!.find((t) => t.topic === 'agentplatform.events.agents')!;
    expect(agents.messages.map((m) => m.headers!['ap-id'])).to.deep.equal(['1', '3']);
    expect(agents.messages[0]).to.deep.include({ key: 'agent-1', value: '{"id":"1"}' });
    expect(agents.messages[0]!.headers!['ap-subject']).to.equal('agentplatform.events.agents.AgentCreated');
  });

  it('reports an id this process published within the window as a duplicate and does not send it again', async () => {
    const { sent, producer } = fakeProducer();
    const publish = createPublisher({ producer, ensureTopics: async () => undefined, duplicateWindowMs: 60_000 });
    await publish([message('1')]);
    const acks = await publish([message('1'), message('2'), message('2')]);
    expect(acks.map((a) => a.duplicate)).to.deep.equal([true, false, true]);
    expect(sent[1]!.topicMessages![0]!.messages.map((m) => m.headers!['ap-id'])).to.deep.equal(['2']);
  });

  it('remembers nothing with a zero window', async () => {
    const { sent, producer } = fakeProducer();
    const publish = createPublisher({ producer, ensureTopics: async () => undefined, duplicateWindowMs: 0 });
    await publish([message('1')]);
    expect((await publish([message('1')]))[0]!.duplicate).to.equal(false);
    expect(sent).to.have.length(2);
  });

  it('fails with BrokerUnavailable when Kafka does not acknowledge, and remembers nothing of that batch', async () => {
    const failing = createPublisher({ ...fakeProducer(true), ensureTopics: async () => undefined, duplicateWindowMs: 60_000 });
    expect(await failing([message('1')]).catch((e) => e)).to.be.instanceOf(BrokerUnavailable);
  });
});
