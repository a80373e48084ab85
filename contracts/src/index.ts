export * from './errors.js';
export * from './events.js';
export * from './http.js';
export * from './audit.js';
export * from './sessions.js';
export { eventCatalog, schemaVersionOf } from './catalog.js';
