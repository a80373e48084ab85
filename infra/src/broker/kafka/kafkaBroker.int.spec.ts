import { randomUUID } from 'node:crypto';
import type { Context } from 'mocha';
import { brokerContract } from '../broker.contract.js';
import { createKafkaBroker } from './kafkaBroker.js';

const brokers = (process.env.AGENT_PLATFORM_KAFKA_BROKERS ?? '')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);

/**
 * Runs against the Kafka brokers named by AGENT_PLATFORM_KAFKA_BROKERS (`host:9092,…`); pending
 * without them, in CI too, which has no Kafka. Joining a group and rebalancing take seconds in Kafka.
 */
describe('Kafka broker', function () {
  this.timeout(60_000);
  before(function (this: Context) {
    if (brokers.length === 0) this.skip();
  });
  brokerContract(async () => {
    const broker = createKafkaBroker({ brokers, clientId: `agent-platform-test-${randomUUID().slice(0, 8)}` });
    return { broker, teardown: () => broker.close() };
  });
});
