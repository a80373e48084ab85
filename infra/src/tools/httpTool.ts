import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { isAllowedHost, isForbiddenAddress, isForbiddenHostName, ALLOWED_HOSTS_VARIABLE } from './addressPolicy.js';
import { AddressForbiddenError, guardedLookup } from './guardedLookup.js';
import { storableText, unstorableIssues } from '../storable.js';

export type HttpToolRequest = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The tool's base URL and path, already joined. */
  url: string;
  /** The tool's configured headers: they may hold secrets, so they are never logged nor put in a message. */
  headers: Record<string, string>;
  /** Sent as the JSON body, or as query parameters for GET and DELETE. */
  input: Record<string, unknown>;
  /** Sent as `Idempotency-Key`, so the tool can recognise a retried call. */
  idempotencyKey: string;
  /** Covers everything: lookup, connect, response and body. */
  timeoutMs: number;
};

export type HttpToolPolicy = { allowedHosts: ReadonlySet<string>; maxResponseBytes: number };

export type HttpToolErrorCode =
  | 'TOOL_ADDRESS_FORBIDDEN'
  | 'TOOL_URL_INVALID'
  | 'TOOL_HEADERS_INVALID'
  | 'TOOL_TIMEOUT'
  | 'TOOL_RESPONSE_TOO_LARGE'
  | 'TOOL_OUTPUT_UNSTORABLE'
  | 'TOOL_HTTP_ERROR'
  | 'TOOL_UNREACHABLE';

export type HttpToolResult =
  | { ok: true; status: number; /** The parsed JSON, or `{ text }` when the body is not JSON. */ output: unknown; durationMs: number }
  | { ok: false; error: { code: HttpToolErrorCode; message: string }; status?: number; durationMs: number };

/** Enough bytes for the ~500 characters of a failed answer that go into its message. */
const ERROR_EXCERPT_BYTES = 2048;
const ERROR_EXCERPT_CHARS = 500;
/** Ends an excerpt that was cut: the caller's redaction then also takes out a secret the cut split. */
export const EXCERPT_CUT = '…';
/** Node's codes for a header name or value it refuses to send. */
const INVALID_HEADER_CODES = new Set(['ERR_INVALID_HTTP_TOKEN', 'ERR_INVALID_CHAR', 'ERR_HTTP_INVALID_HEADER_VALUE']);

type Answer = { status: number; text: string; truncated: boolean };

/** How long an idle connection to a tool stays open: less than a server's usual keep-alive timeout (Node's is 5 s). */
const IDLE_CONNECTION_MS = 4_000;

/**
 * Connections to tools are kept alive and reused: a new connection per call (and a TLS handshake, for
 * https) costs more than many tools take to answer. There are two pools, so that a connection opened to
 * a host on the allow-list is never reused by a call the guard must check: every connection of the
 * guarded pool was opened through the guarded lookup.
 */
const poolOf = (guarded: boolean) => {
  const options = { keepAlive: true, timeout: IDLE_CONNECTION_MS, ...(guarded ? { lookup: guardedLookup } : {}) };
  return { 'http:': new http.Agent(options), 'https:': new https.Agent(options) };
};
const POOLS = { allowed: poolOf(false), guarded: poolOf(true) };

/** A kept-alive connection that the tool had closed while it was idle: the call never reached the tool. */
class StaleConnectionError extends Error {}
/** What a write to a connection the other end has closed fails with. */
const STALE_CODES = new Set(['ECONNRESET', 'EPIPE']);

const toolUrl = (raw: string): URL | string => {
  // The URL is never echoed: its query may carry a key.
  if (!URL.canParse(raw)) return 'the tool URL is not an absolute URL';
  const url = new URL(raw);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : `the tool URL must be http or https, not ${url.protocol}`;
};

/** Names are judged here; an IP literal too, because the socket connects to it without any lookup. */
const refusalOf = (url: URL): string | undefined => {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isForbiddenHostName(host)) {
    return `tool host "${host}" names this machine or a cloud metadata service; to allow it, add "${host}" to ${ALLOWED_HOSTS_VARIABLE}`;
  }
  if (isIP(host) && isForbiddenAddress(host)) return new AddressForbiddenError(host, host).message;
  return undefined;
};

/** GET and DELETE carry no body, so the input travels as query parameters, objects and arrays as JSON. */
const appendQuery = (url: URL, input: Record<string, unknown>): void => {
  for (const [name, value] of Object.entries(input)) {
    if (value !== undefined) url.searchParams.append(name, typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));
  }
};

/**
 * One request and its body, read up to `limitFor(status)` bytes: past it, reading stops at once and the
 * connection is dropped, so an endless body costs at most one chunk over the cap.
 */
const exchange = (url: URL, options: http.RequestOptions, body: string | undefined, limitFor: (status: number) => number, signal: AbortSignal) =>
  new Promise<Answer>((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(url, options);
    const abort = () => {
      reject(signal.reason);
      req.destroy();
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    req.on('close', () => signal.removeEventListener('abort', abort));
    req.on('error', (error: NodeJS.ErrnoException) => reject(req.reusedSocket && STALE_CODES.has(error.code ?? '') ? new StaleConnectionError(error.message) : error));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const limit = limitFor(status);
      const chunks: Buffer[] = [];
      let size = 0;
      const answer = (truncated: boolean) => resolve({ status, text: Buffer.concat(chunks).toString('utf8'), truncated });
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size > limit) {
          answer(true);
          req.destroy();
        }
      });
      res.on('end', () => answer(false));
      res.on('error', reject);
    });
    req.end(body);
  });

const outputOf = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
};

/**
 * Calls an HTTP tool with an SSRF guard: names and addresses that reach this machine, the private network or
 * a cloud metadata service are refused unless their host is on the allow-list. Every failure of the tool is
 * an `ok: false` result with a stable code; only the caller's own abort rejects (with its reason), since
 * cancelling is not the tool's fault.
 */
export const callHttpTool = async (request: HttpToolRequest, policy: HttpToolPolicy, signal?: AbortSignal): Promise<HttpToolResult> => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const fail = (code: HttpToolErrorCode, message: string, status?: number): HttpToolResult => ({
    ok: false,
    error: { code, message },
    ...(status === undefined ? {} : { status }),
    durationMs: elapsed(),
  });

  const url = toolUrl(request.url);
  if (typeof url === 'string') return fail('TOOL_URL_INVALID', url);
  const allowed = isAllowedHost(policy.allowedHosts, url);
  const refusal = allowed ? undefined : refusalOf(url);
  if (refusal) return fail('TOOL_ADDRESS_FORBIDDEN', refusal);

  const withBody = request.method !== 'GET' && request.method !== 'DELETE';
  if (!withBody) appendQuery(url, request.input);
  const headers = {
    // The tool's own headers may ask for another media type or name the client; they may not change how
    // the body is encoded, nor the idempotency key.
    accept: 'application/json',
    'user-agent': 'agent-platform',
    ...request.headers,
    ...(withBody ? { 'content-type': 'application/json' } : {}),
    'idempotency-key': request.idempotencyKey,
  };
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const send = () =>
    exchange(
      url,
      { method: request.method, headers, agent: POOLS[allowed ? 'allowed' : 'guarded'][url.protocol as 'http:' | 'https:'] },
      withBody ? JSON.stringify(request.input) : undefined,
      (s) => (s >= 200 && s < 300 ? policy.maxResponseBytes : Math.min(policy.maxResponseBytes, ERROR_EXCERPT_BYTES)),
      signal ? AbortSignal.any([timeout, signal]) : timeout,
    );
  try {
    // Once, on a new connection, as Node's documentation advises; the idempotency key covers the rare tool
    // that closed the connection after it took the request.
    const { status, text, truncated } = await send().catch((error: unknown) => (error instanceof StaleConnectionError ? send() : Promise.reject(error)));
    if (status >= 200 && status < 300) {
      if (truncated) return fail('TOOL_RESPONSE_TOO_LARGE', `the tool's response is larger than the ${policy.maxResponseBytes}-byte cap`, status);
      const output = outputOf(text);
      // The answer is recorded in the run's events: what PostgreSQL would refuse, or recursion could not
      // walk, would stall the run at every attempt, so it is the tool's failure, told to the model.
      const [issue] = unstorableIssues(output);
      if (issue) return fail('TOOL_OUTPUT_UNSTORABLE', `the tool's answer cannot be recorded: ${issue.path.join('.') || 'its text'} ${issue.message}`, status);
      return { ok: true, status, output, durationMs: elapsed() };
    }
    // A redirect is not followed: its Location could lead anywhere, a forbidden address included, past
    // the checks this call made on the URL it was given.
    const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
    // The cut may split a surrogate pair, and the answer may hold a NUL: neither could be recorded.
    const excerpt = storableText(truncated || text.length > ERROR_EXCERPT_CHARS ? `${text.slice(0, ERROR_EXCERPT_CHARS)}${EXCERPT_CUT}` : text);
    return fail('TOOL_HTTP_ERROR', `the tool answered ${status}${redirect}: ${excerpt}`, status);
  } catch (error) {
    if (error instanceof AddressForbiddenError) return fail('TOOL_ADDRESS_FORBIDDEN', error.message);
    if (INVALID_HEADER_CODES.has((error as NodeJS.ErrnoException).code ?? '')) {
      // Not Node's message: a header's value may be a secret, so this one names nothing.
      return fail('TOOL_HEADERS_INVALID', 'a configured header has a name or value that cannot be sent over HTTP');
    }
    if (timeout.aborted) return fail('TOOL_TIMEOUT', `the tool did not answer within ${request.timeoutMs} ms`);
    if (signal?.aborted) throw signal.reason;
    return fail('TOOL_UNREACHABLE', `the tool at ${url.host} is unreachable: ${(error as Error).message}`);
  }
};
