export * from './errors.js';
export * from './events.js';
export * from './http.js';
export * from './audit.js';
export * from './sessions.js';
export { eventCatalog, schemaVersionOf, categoryOf, INTEGRATION_CATEGORY } from './catalog.js';
export * from './broker.js';
