import type { ServerOptions } from 'node:http';
import type { Config } from '../config.js';

/**
 * How long a client may take to send a request. Node's defaults (60 s for the head, 300 s for the
 * request, both checked only every 30 s) let a client trickling header lines hold a connection for
 * minutes; the checks here run at least every second. Node times only the receiving of a request, so a
 * long answer (an SSE stream, an execute that waits) is never cut by them.
 */
export const httpServerOptions = (config: Config): ServerOptions => ({
  headersTimeout: config.AGENT_PLATFORM_HTTP_HEADERS_TIMEOUT_MS,
  requestTimeout: config.AGENT_PLATFORM_HTTP_REQUEST_TIMEOUT_MS,
  keepAliveTimeout: config.AGENT_PLATFORM_HTTP_KEEP_ALIVE_TIMEOUT_MS,
  connectionsCheckingInterval: Math.min(1000, config.AGENT_PLATFORM_HTTP_HEADERS_TIMEOUT_MS),
});
