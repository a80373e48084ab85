export * from './databases.js';
export * from './mocha.js';
export { capturingLogger, type LogLine } from './logs.js';
export { dataKeysContract, type DataKeysFactory, type DataKeysFixture } from '../keys/dataKeys.contract.js';
export { eventStoreContract, type EventStoreFactory, type EventStoreFixture } from '../event-store/eventStore.contract.js';
export { brokerContract, type BrokerFactory, type BrokerFixture } from '../broker/broker.contract.js';
export * from './nats.js';
export { startNatsServer, natsServerInstalled, NATS_SERVER_BINARY, type NatsServer } from './natsServer.js';
export { modelProviderContract, type ModelProviderFactory, type ModelProviderFixture } from '../models/provider.contract.js';
export {
  embeddingProviderContract,
  type EmbeddingProviderFactory,
  type EmbeddingProviderFixture,
  type EmbeddingProviderContractOptions,
} from '../embeddings/embeddings.contract.js';
export {
  startScriptedOpenAiServer,
  type ScriptedOpenAiServer,
  type ScriptedOpenAiServerOptions,
  type ScriptedReply,
  type RecordedRequest,
} from '../models/testing/scriptedOpenAiServer.js';
export { isAlive, stateOf, sleep, waitUntilDead, postmasterPidOf, stopPostgresOf } from './processes.js';
export { openTestEventStore } from './eventStore.js';
export {
  createInMemoryEventStore,
  type InMemoryEventStore,
  type InMemoryEventStoreOptions,
  type InMemoryTransaction,
} from '../event-store/memory/eventStore.js';
export { strictSessionClosedUpcaster, UNLIFTABLE_SESSION_CLOSED } from './upcasters.js';
