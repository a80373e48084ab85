export { loadConfig, ConfigError, type Config } from './config.js';
export { PROJECTION_RETRY_DEFAULTS } from './projectionRetry.js';
export { hostAllowed, workspaceAllowed, SECRET_PREFIX, type SecretBinding } from './secrets.js';
export { createLogger, type Logger } from './logging.js';
export { repeatedLog, type RepeatedLog } from './repeatedLog.js';
export { storableText, unstorableIssues } from './storable.js';
export {
  createPool,
  createKnex,
  withTransaction,
  pipelinedTransaction,
  isPgError,
  isRefusedStatement,
  PG_UNIQUE_VIOLATION,
  type Pool,
  type PoolClient,
  type Queryable,
  type Statement,
  type Knex,
} from './db/postgres.js';
export { migrateToLatest, pendingMigrations, type Migration, type MigrationSet } from './db/migrations.js';
export { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js';
export { StartupError, DataDirInUseError, DataDirUnusableError } from './errors.js';
export * from './event-store/port.js';
export { createUpcaster, requireUpcast, UpcastFailed, type Upcaster } from './event-store/upcasting.js';
export { createPostgresEventStore, type PostgresEventStoreOptions } from './event-store/postgres/eventStore.js';
export { appendToStream } from './event-store/postgres/appendToStream.js';
export { eventStoreMigrations } from './event-store/postgres/schema.js';
export {
  getCheckpoint,
  claimPage,
  claimFreshPage,
  isPageAlreadyApplied,
  listCheckpoints,
  checkpointsReached,
  advanceCheckpoint,
  dangerouslyResetCheckpoint,
  type StoredCheckpoint,
} from './checkpoints/postgres.js';
export { createCheckpointSaver, type CheckpointSaver } from './checkpoints/saver.js';
export { requestContext, contextOf, type RequestContext } from './http/context.js';
export { problemDetails, routeNotFound } from './http/problem.js';
export { parseInput, type InputLocation } from './http/validate.js';
export { createApi, route, type Api, type Reply, type RouteSpec } from './http/routes.js';
export { openApiDocument } from './http/openapi.js';
export { createHttpApp } from './http/app.js';
export { httpServerOptions } from './http/server.js';
export { tryLeadership, type Leadership } from './db/leadership.js';
export { oldestOpenTransactionSeconds } from './event-store/postgres/horizon.js';
export { lagOf, type Lag } from './event-store/lag.js';
export type { Broker, OutgoingMessage, PublishAck, Delivery, ConsumeOptions, Consumer } from './broker/port.js';
export { startRelay, relayName, type Relay, type RelayStatus } from './relay/relay.js';
export { toMessage } from './relay/messages.js';
export { wasHandled, markHandled } from './inbox/postgres.js';
export { uuidFrom } from './ids.js';
export { createInProcessBroker } from './broker/memory/inProcessBroker.js';
export { createMetrics, type Metrics } from './metrics.js';
export { openKurrentEventStore } from './event-store/kurrentdb/open.js';
export type { KurrentEventStoreOptions } from './event-store/kurrentdb/eventStore.js';
export { createKafkaBroker, type KafkaBrokerOptions } from './broker/kafka/kafkaBroker.js';
export { claimPending, settleDelivery, type DeliveryRow, type ClaimOptions } from './deliveries/postgres.js';
export type { InProcessBrokerOptions } from './broker/memory/inProcessBroker.js';
export { createNatsBroker, type NatsBrokerOptions } from './broker/nats/natsBroker.js';
export { BrokerUnavailable, BrokerRejected, BrokerClosed, InvalidConsumeOptions } from './broker/errors.js';
export {
  ChatMessage,
  ChatRequest,
  ChatResponse,
  ChatChunk,
  ToolCall,
  ToolCallDelta,
  ToolDefinition,
  ToolChoice,
  AssistantMessage,
  FinishReason,
  Usage,
  ModelInfo,
  ModelList,
  MessageContent,
  textOf,
  type ModelProvider,
  type CallOptions,
} from './models/port.js';
export { ProviderError, type ProviderErrorCode } from './models/errors.js';
export { createModelProvider, type ModelProviderConfig } from './models/provider.js';
export { createOpenAiProvider, type OpenAiProviderOptions } from './models/openai/openAiProvider.js';
export { createLocalModelProvider, countTokens, LOCAL_MODEL, type LocalProviderOptions } from './models/local/localProvider.js';
export { JSON_ACTION_MARKER } from './models/local/react.js';
export { chunksOf, collectChunks } from './models/stream.js';
export type { CodeLanguage, CodeRunRequest, CodeRunResult, CodeRunner, CodeRunnerDescription } from './code/port.js';
export { CodeRunnerUnavailable, CODE_LANGUAGES } from './code/port.js';
export { createCodeRunner } from './code/runner.js';
export { limitConcurrency, CodeRunnerBusy, type ConcurrencyLimit } from './code/concurrency.js';
export { createBwrapCodeRunner, type BwrapCodeRunnerOptions } from './code/bwrap/runner.js';
export { launcherArgs, CODE_FILES } from './code/bwrap/launchers.js';
export { resolvePython } from './code/bwrap/interpreters.js';
export { RESULT_FD, type SandboxLimits } from './code/bwrap/sandbox.js';
export type { EmbeddingProvider, Embeddings, EmbedOptions } from './embeddings/port.js';
export { embedQuery, embeddingModelOf, embeddingUsedOf } from './embeddings/port.js';
export { createEmbeddingProvider, type EmbeddingProviderConfig } from './embeddings/provider.js';
export { createLocalEmbeddingProvider, type LocalEmbeddingOptions } from './embeddings/local/localProvider.js';
export { LOCAL_EMBEDDING_MODEL, DEFAULT_EMBEDDING_DIMENSION } from './embeddings/local/localEmbedding.js';
export { createHttpEmbeddingProvider, type HttpEmbeddingOptions } from './embeddings/http/httpEmbeddings.js';
export { withEmbeddingFallback, type EmbeddingFallbackOptions } from './embeddings/fallback.js';
export { isForbiddenAddress, isForbiddenHostName, parseAllowedHosts, ALLOWED_HOSTS_VARIABLE } from './tools/addressPolicy.js';
export {
  callHttpTool,
  EXCERPT_CUT,
  type HttpToolRequest,
  type HttpToolPolicy,
  type HttpToolResult,
  type HttpToolErrorCode,
} from './tools/httpTool.js';
export { watchStream, type WatchStreamOptions } from './event-store/streamWatcher.js';
export {
  DataKeyRef,
  NewDataKey,
  DataKeyScope,
  type DataKeys,
  type KeyLookup,
  type DestroyedKey,
} from './keys/port.js';
export type { DataKey } from './keys/dataKey.js';
export { sealContent, openContent, type OpenedContent } from './keys/sealedContent.js';
export { DataKeyDestroyed, DataKeyScopesDiffer, MasterKeyMissing, DataKeyCorrupt } from './keys/errors.js';
export { keyringOf, type Keyring, type MasterKey } from './keys/masterKeys.js';
export { loadMasterKeys, MASTER_KEY_FILE, type MasterKeyConfig } from './keys/masterKeyFile.js';
export { createPostgresDataKeys, type PostgresDataKeysOptions } from './keys/postgres/dataKeys.js';
export { createInMemoryDataKeys, type InMemoryDataKeys, type InMemoryDataKeysOptions } from './keys/memory/dataKeys.js';
export { cacheDataKeys, type DataKeyCacheOptions } from './keys/cache.js';
