import { expect } from 'chai';
import type { Context } from 'mocha';
import { mustRunEverySuite } from '../../testing/databases.js';
import { dangerouslyDeleteNatsStream, describeOnNats, uniqueNatsNamespace } from '../../testing/nats.js';
import { natsServerInstalled, startNatsServer, type NatsServer } from '../../testing/natsServer.js';
import { brokerContract } from '../broker.contract.js';
import { consumerHarness, message, sleep, uniqueCategory, uniqueGroup, waitUntil } from '../contractHarness.js';
import type { Broker, OutgoingMessage } from '../port.js';
import { BrokerRejected } from '../errors.js';
import { createNatsBroker } from './natsBroker.js';

describeOnNats('NATS JetStream broker', ({ url }) => {
  brokerContract(async () => {
    const { streamName, subjectPrefix } = uniqueNatsNamespace();
    const broker = await createNatsBroker({ servers: url(), streamName, subjectPrefix });
    return {
      broker,
      teardown: async () => {
        await broker.close();
        await dangerouslyDeleteNatsStream(url(), streamName);
      },
    };
  });
});

describe('NATS JetStream broker on a server of its own', function () {
  this.timeout(60_000);
  let server: NatsServer | undefined;
  let broker: Broker | undefined;
  const harness = consumerHarness(() => broker!);

  before(async function (this: Context) {
    if (!natsServerInstalled() && !mustRunEverySuite()) this.skip();
    server = await startNatsServer();
    broker = await createNatsBroker({ servers: server.url });
  });
  after(async () => {
    await harness.stopAll();
    await broker?.close();
    await server?.dispose();
  });

  /** Publishing while the server comes back fails fast (no JetStream yet); the relay retries the same way. */
  const publishUntilAccepted = async (messages: OutgoingMessage[]) => {
    for (const deadline = Date.now() + 20_000; ; await sleep(200)) {
      try {
        return await broker!.publish(messages);
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
  };

  it('delivers to a durable group, after a restart, what was published before it', async () => {
    const category = uniqueCategory();
    const group = uniqueGroup();
    const subjects = [`agentplatform.events.${category}.>`];
    const first = await harness.record({ group, subjects });
    const before = [message(category), message(category)];
    await broker!.publish([before[0]!]);
    await waitUntil(() => first.acked.size === 1, 'the first message acked');
    await harness.stop(first.consumer);
    await broker!.publish([before[1]!]);

    await server!.restart();
    const later = message(category);
    expect(await publishUntilAccepted([before[1]!, later])).to.deep.equal([
      { id: before[1]!.id, duplicate: true },
      { id: later.id, duplicate: false },
    ]);

    const second = await harness.record({ group, subjects });
    await waitUntil(() => second.acked.size === 2, 'the messages not yet acked');
    expect([...second.acked]).to.deep.equal([before[1]!.id, later.id]);
  });

  it('refuses, as BrokerRejected, a second stream over the subjects the first one captures', async () => {
    const error = await createNatsBroker({ servers: server!.url, streamName: 'ANOTHER_STREAM' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(BrokerRejected);
    expect((error as BrokerRejected).code).to.equal('BROKER_REJECTED');
  });
});
