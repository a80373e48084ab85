/** What other packages' specs and the bench use of the projectors' test harness: PGlite with pgvector, and bulk chunks. */
export { startPgliteDatabase, type PgliteDatabase } from './pglite.js';
export { bulkLoadChunks, type BulkChunk } from './bulkChunks.js';
