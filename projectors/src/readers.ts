/**
 * The typed readers of the read models: the only way into them from outside this package (the command
 * side, the processors, the queries), so that a table or column is renamed in one package.
 */
export * as agentRunsReader from './agent-runs/reader.js';
export * as authReader from './auth/reader.js';
export * as deadLettersReader from './dead-letters/reader.js';
export * as humanTasksReader from './human-tasks/reader.js';
export * as knowledgeReader from './knowledge/reader.js';
/** The one write into a read model from outside the projectors: the knowledge indexer's chunks (the log holds none). */
export * as knowledgeChunksWriter from './knowledge/chunks.js';
export * as memoriesReader from './memories/reader.js';
export * as parkedEventsReader from './parking/reader.js';
export * as schedulerReader from './scheduler/reader.js';
export * as sessionsReader from './sessions/reader.js';
export * as skillsReader from './skills/reader.js';
export * as teamRunsReader from './teams/reader.js';
export { versionedDefinitionReader } from './versionedDefinitionReader.js';
export type { PagedView, PageOf, PagePosition, PageRequest } from './newestFirstPage.js';
