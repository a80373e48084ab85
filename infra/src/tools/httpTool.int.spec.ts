import { expect } from 'chai';
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { isForbiddenAddress, parseAllowedHosts } from './addressPolicy.js';
import { AddressForbiddenError, guardedLookup } from './guardedLookup.js';
import { callHttpTool, type HttpToolPolicy, type HttpToolRequest, type HttpToolResult } from './httpTool.js';
import { unstorableIssues } from '../storable.js';

const SECRET = 'sk-tool-secret-0123456789';

type Received = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string };

/** A tool on 127.0.0.1 whose path picks the behaviour; it records every request it receives. */
const startTool = async () => {
  const received: Received[] = [];
  const requestsOn = new WeakMap<object, number>();
  const server = http.createServer((req, res) => {
    requestsOn.set(req.socket, (requestsOn.get(req.socket) ?? 0) + 1);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const path = req.url!.split('?')[0];
      if (path === '/echo') return res.end(JSON.stringify({ method: req.method, url: req.url, body: body ? JSON.parse(body) : null }));
      if (path === '/text') return res.end('plain words');
      if (path === '/hang') return;
      if (path === '/hang-in-body') return res.write('{"partial":');
      if (path === '/endless') {
        const timer = setInterval(() => res.write('x'.repeat(16 * 1024)), 5);
        return res.on('close', () => clearInterval(timer));
      }
      if (path === '/fail') return res.writeHead(500).end(`boom ${'y'.repeat(5000)}`);
      // A NUL, and an emoji (a surrogate pair) that the 500-character excerpt cuts in two.
      if (path === '/fail-unstorable') return res.writeHead(500).end(`a\u0000b${'y'.repeat(496)}\u{1F600}tail`);
      if (path === '/unstorable') return res.end('{"items":[{"note":"a\\u0000b"}]}');
      // What a tool that closed an idle kept-alive connection looks like to the next call on it.
      if (path === '/drop-reused') return requestsOn.get(req.socket)! > 1 ? req.socket.destroy() : res.end('{"fresh":true}');
      if (path === '/redirect') return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      res.writeHead(404).end();
    });
  });
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { port, received, close, connections: () => connections };
};

const request = (url: string, overrides: Partial<HttpToolRequest> = {}): HttpToolRequest => ({
  method: 'POST',
  url,
  headers: { 'x-api-key': SECRET },
  input: { city: 'Oslo', days: 3 },
  idempotencyKey: 'call-1',
  timeoutMs: 2000,
  ...overrides,
});

const policy = (allowedHosts = '', maxResponseBytes = 64 * 1024): HttpToolPolicy => ({ allowedHosts: parseAllowedHosts(allowedHosts), maxResponseBytes });

const codeOf = (result: HttpToolResult) => (result.ok ? 'ok' : result.error.code);

describe('HTTP tool caller', () => {
  let tool: Awaited<ReturnType<typeof startTool>>;
  let base: string;
  before(async () => {
    tool = await startTool();
    base = `http://127.0.0.1:${tool.port}`;
  });
  after(() => tool.close());
  beforeEach(() => {
    tool.received.length = 0;
  });
  const trusted = () => policy('127.0.0.1');

  describe('the SSRF guard', () => {
    it('refuses a loopback address when it is not on the allow-list, before any connection', async () => {
      const result = await callHttpTool(request(`${base}/echo`), policy());
      expect(codeOf(result)).to.equal('TOOL_ADDRESS_FORBIDDEN');
      expect(!result.ok && result.error.message).to.include('127.0.0.1').and.include('AGENT_PLATFORM_TOOL_ALLOWED_HOSTS');
      expect(tool.received).to.have.length(0);
    });

    it('calls a loopback address whose host is on the allow-list', async () => {
      const result = await callHttpTool(request(`${base}/echo`), trusted());
      expect(result).to.deep.include({ ok: true, status: 200 });
    });

    it('refuses localhost by name, and calls it once it is on the allow-list', async () => {
      const url = `http://localhost:${tool.port}/echo`;
      expect(codeOf(await callHttpTool(request(url), policy()))).to.equal('TOOL_ADDRESS_FORBIDDEN');
      expect(tool.received).to.have.length(0);
      expect(await callHttpTool(request(url), policy(`localhost:${tool.port}`))).to.deep.include({ ok: true, status: 200 });
    });

    it('refuses the cloud metadata address, an IP literal the socket would reach without a lookup', async () => {
      const result = await callHttpTool(request('http://169.254.169.254/latest/meta-data/', { timeoutMs: 60_000 }), policy());
      expect(codeOf(result)).to.equal('TOOL_ADDRESS_FORBIDDEN');
      expect(result.durationMs).to.be.below(100);
    });

    it('refuses a host name that resolves to a loopback address, in the lookup the socket itself uses', async () => {
      const error = await new Promise((resolve) => guardedLookup('localhost', { all: true }, resolve));
      expect(error).to.be.instanceOf(AddressForbiddenError).and.include({ host: 'localhost' });
    });

    it('refuses this machine\'s own name when it resolves to a forbidden address: the call uses the guarded lookup', async function () {
      const addresses = await lookup(hostname(), { all: true }).catch(() => []);
      if (!addresses.some((a) => isForbiddenAddress(a.address))) return this.skip(); // a public or unknown name proves nothing
      const result = await callHttpTool(request(`http://${hostname()}:${tool.port}/echo`), policy());
      expect(codeOf(result)).to.equal('TOOL_ADDRESS_FORBIDDEN');
      expect(tool.received).to.have.length(0);
    });

    it('never reuses a connection the allow-list let through for a call the guard checks', async function () {
      const addresses = await lookup(hostname(), { all: true }).catch(() => []);
      if (!addresses.some((a) => isForbiddenAddress(a.address))) return this.skip(); // a public or unknown name proves nothing
      const url = `http://${hostname()}:${tool.port}/echo`;
      expect(codeOf(await callHttpTool(request(url), policy(`${hostname()}:${tool.port}`)))).to.equal('ok');
      // The allowed call's connection is idle and open now; the guarded call must not take it.
      expect(codeOf(await callHttpTool(request(url), policy()))).to.equal('TOOL_ADDRESS_FORBIDDEN');
      expect(tool.received).to.have.length(1);
    });

    it('hands the socket the resolved address in the shape it asked for (one, or all)', async () => {
      const one = await new Promise((resolve) => guardedLookup('1.1.1.1', {}, (_e, address, family) => resolve({ address, family })));
      expect(one).to.deep.equal({ address: '1.1.1.1', family: 4 });
      const all = await new Promise((resolve) => guardedLookup('1.1.1.1', { all: true }, (_e, addresses) => resolve(addresses)));
      expect(all).to.deep.equal([{ address: '1.1.1.1', family: 4 }]);
    });

    it('does not follow a redirect, which could lead to a forbidden address', async () => {
      const result = await callHttpTool(request(`${base}/redirect`), trusted());
      expect(result).to.deep.include({ ok: false, status: 302 });
      expect(codeOf(result)).to.equal('TOOL_HTTP_ERROR');
      expect(tool.received).to.have.length(1);
    });

    it('refuses a URL that is not http or https, or not a URL', async () => {
      expect(codeOf(await callHttpTool(request('ftp://x/file'), trusted()))).to.equal('TOOL_URL_INVALID');
      expect(codeOf(await callHttpTool(request('/relative/path'), trusted()))).to.equal('TOOL_URL_INVALID');
    });
  });

  describe('the request', () => {
    it('sends the input as a JSON body with the idempotency key, the configured headers and the platform\'s own', async () => {
      const result = await callHttpTool(request(`${base}/echo`), trusted());
      expect(result).to.deep.include({ ok: true, output: { method: 'POST', url: '/echo', body: { city: 'Oslo', days: 3 } } });
      expect(tool.received[0]!.headers).to.include({
        'idempotency-key': 'call-1',
        'x-api-key': SECRET,
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': 'agent-platform',
      });
    });

    it('sends the input of a GET as query parameters, objects as JSON, and no body', async () => {
      const input = { city: 'Oslo', days: 3, tags: ['a', 'b'] };
      const result = await callHttpTool(request(`${base}/echo?units=metric`, { method: 'GET', input }), trusted());
      expect(result).to.deep.include({ ok: true });
      const url = new URL(tool.received[0]!.url, base);
      expect([...url.searchParams]).to.deep.equal([['units', 'metric'], ['city', 'Oslo'], ['days', '3'], ['tags', '["a","b"]']]);
      expect(tool.received[0]!.body).to.equal('');
      expect(tool.received[0]!.headers).not.to.have.property('content-type');
    });

    it('keeps its own idempotency key and content type when the configured headers name them too', async () => {
      const headers = { 'Idempotency-Key': 'forged', 'Content-Type': 'text/plain', Accept: 'application/vnd.tool+json' };
      await callHttpTool(request(`${base}/echo`, { headers }), trusted());
      expect(tool.received[0]!.headers).to.include({ 'idempotency-key': 'call-1', 'content-type': 'application/json', accept: 'application/vnd.tool+json' });
    });
  });

  describe('the answer', () => {
    it('is the parsed JSON, or { text } when the body is not JSON', async () => {
      expect(await callHttpTool(request(`${base}/text`), trusted())).to.deep.include({ ok: true, output: { text: 'plain words' } });
    });

    it('times out after timeoutMs when the tool never answers', async () => {
      const result = await callHttpTool(request(`${base}/hang`, { timeoutMs: 200 }), trusted());
      expect(codeOf(result)).to.equal('TOOL_TIMEOUT');
      expect(!result.ok && result.error.message).to.include('200');
      expect(result.durationMs).to.be.within(150, 1000);
    });

    it('times out when the body stops midway: the timeout covers the body too', async () => {
      expect(codeOf(await callHttpTool(request(`${base}/hang-in-body`, { timeoutMs: 200 }), trusted()))).to.equal('TOOL_TIMEOUT');
    });

    it('stops reading a body past the cap (an endless one here) instead of buffering it', async () => {
      const result = await callHttpTool(request(`${base}/endless`, { timeoutMs: 5000 }), policy('127.0.0.1', 1000));
      expect(codeOf(result)).to.equal('TOOL_RESPONSE_TOO_LARGE');
      expect(!result.ok && result.error.message).to.include('1000');
      expect(result.durationMs).to.be.below(1000);
    });

    it('is an HTTP error with the status and the start of the body when the tool fails', async () => {
      const result = await callHttpTool(request(`${base}/fail`), trusted());
      expect(result).to.deep.include({ ok: false, status: 500 });
      expect(codeOf(result)).to.equal('TOOL_HTTP_ERROR');
      expect(!result.ok && result.error.message).to.include('boom').and.have.length.below(600);
    });

    it('fails an answer PostgreSQL could not store (a NUL) as TOOL_OUTPUT_UNSTORABLE, naming where it is', async () => {
      const result = await callHttpTool(request(`${base}/unstorable`), trusted());
      expect(codeOf(result)).to.equal('TOOL_OUTPUT_UNSTORABLE');
      expect(!result.ok && result.error.message).to.include('items.0.note holds a NUL');
    });

    it('quotes a failed answer without what PostgreSQL could not store: a NUL, and a surrogate the cut split', async () => {
      const result = await callHttpTool(request(`${base}/fail-unstorable`), trusted());
      expect(codeOf(result)).to.equal('TOOL_HTTP_ERROR');
      const message = !result.ok ? result.error.message : '';
      expect(message).to.include('a\uFFFDb').and.match(/\uFFFD…$/);
      expect(unstorableIssues(message)).to.deep.equal([]);
    });

    it('is unreachable when nothing listens on the port', async () => {
      const closed = await startTool();
      await closed.close();
      expect(codeOf(await callHttpTool(request(`http://127.0.0.1:${closed.port}/`), trusted()))).to.equal('TOOL_UNREACHABLE');
    });

    it('refuses configured headers that cannot be sent, without repeating them', async () => {
      const result = await callHttpTool(request(`${base}/echo`, { headers: { 'x-api-key': `${SECRET}\r\nx-injected: 1` } }), trusted());
      expect(codeOf(result)).to.equal('TOOL_HEADERS_INVALID');
      expect(JSON.stringify(result)).not.to.include(SECRET);
      expect(tool.received).to.have.length(0);
    });

    it('never puts the configured headers in a failure', async () => {
      const failures = await Promise.all([
        callHttpTool(request(`${base}/echo`), policy()),
        callHttpTool(request(`${base}/hang`, { timeoutMs: 100 }), trusted()),
        callHttpTool(request('http://127.0.0.1:1/'), trusted()),
      ]);
      for (const result of failures) expect(JSON.stringify(result)).not.to.include(SECRET);
    });

    it('keeps its connection to a tool open for the next call', async () => {
      const before = tool.connections();
      for (let i = 0; i < 3; i++) expect(codeOf(await callHttpTool(request(`${base}/echo`), trusted()))).to.equal('ok');
      expect(tool.connections() - before).to.be.at.most(1);
    });

    it('sends a call again, with the same key, on a new connection when the tool had closed the one kept open', async () => {
      // Leaves a connection that served a call idle in the pool; the tool drops any connection reused.
      expect(codeOf(await callHttpTool(request(`${base}/drop-reused`), trusted()))).to.equal('ok');
      tool.received.length = 0;
      const result = await callHttpTool(request(`${base}/drop-reused`, { idempotencyKey: 'call-2' }), trusted());
      expect(result).to.deep.include({ ok: true, output: { fresh: true } });
      expect(tool.received.map((r) => r.headers['idempotency-key'])).to.deep.equal(['call-2', 'call-2']);
    });

    it('rejects with the caller\'s reason when the caller aborts: cancelling is not the tool\'s failure', async () => {
      const controller = new AbortController();
      const call = callHttpTool(request(`${base}/hang`), trusted(), controller.signal);
      setTimeout(() => controller.abort(new Error('run cancelled')), 50);
      const error = await call.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(Error).and.have.property('message', 'run cancelled');
    });
  });
});
