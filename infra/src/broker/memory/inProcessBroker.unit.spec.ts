import { brokerContract } from '../broker.contract.js';
import { createInProcessBroker } from './inProcessBroker.js';

describe('in-process broker', () => {
  brokerContract(async () => {
    const broker = createInProcessBroker();
    return { broker, teardown: () => broker.close() };
  });
});
