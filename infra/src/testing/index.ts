export * from './databases.js';
export * from './mocha.js';
export { eventStoreContract, type EventStoreFactory, type EventStoreFixture } from '../event-store/eventStore.contract.js';
