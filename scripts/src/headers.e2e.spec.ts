import net from 'node:net';
import { expect } from 'chai';
import { describeOnPlatform, expectProblem, fieldsOf, sessionBody, wholeLog, workspaceClient } from './testing/server.js';

describeOnPlatform('request headers: bounded before they reach events and logs', (server) => {
  const { call } = workspaceClient(server);
  const eventCount = async () => (await wholeLog((path) => call('GET', path))).length;

  it('refuses an Idempotency-Key longer than 255 characters with a 400 naming the header', async () => {
    for (const key of ['k'.repeat(256), 'k'.repeat(8000)]) {
      const answer = await call('POST', '/sessions', sessionBody(), { 'idempotency-key': key });
      expectProblem(answer, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(answer)).to.deep.equal(['idempotency-key']);
    }
    expect(await eventCount()).to.equal(0);
    expect((await call('POST', '/sessions', sessionBody(), { 'idempotency-key': 'k'.repeat(255) })).status).to.equal(201);
  });

  for (const name of ['x-user-id', 'x-causation-id', 'x-correlation-id', 'x-request-id']) {
    it(`refuses an ${name} that is not 1-200 visible ASCII characters with a 400 naming the header, and never echoes it`, async () => {
      for (const value of ['x'.repeat(201), 'a\tb', 'caf\u00e9', 'a b']) {
        const answer = await call('POST', '/sessions', sessionBody(), { [name]: value });
        expectProblem(answer, 400, 'VALIDATION_FAILED');
        expect(fieldsOf(answer), JSON.stringify(value)).to.deep.equal([name]);
        expect(answer.headers.get('x-request-id')).to.not.equal(value);
      }
      expect(await eventCount()).to.equal(0);
    });
  }

  it('records a well-formed x-user-id and x-causation-id in the metadata of the events', async () => {
    const ids = { 'x-user-id': 'u'.repeat(200), 'x-causation-id': 'cause-1' };
    const opened = await call('POST', '/sessions', sessionBody(), ids);
    expect(opened.status, JSON.stringify(opened.body)).to.equal(201);
    const { events } = (await call('GET', `/streams/session-${opened.body.id}`)).body;
    expect(events[0].metadata).to.include({ user_id: ids['x-user-id'], causation_id: 'cause-1' });
  });
});

const HEADERS_TIMEOUT_MS = 500;
const REQUEST_TIMEOUT_MS = 1000;

describeOnPlatform(
  'request timeouts: a slow client cannot hold a connection',
  (server) => {
    /** Opens a raw connection, lets `talk` write to it, expects the server to close it `timeoutMs` later, and answers what it sent. */
    const closedAfter = async (timeoutMs: number, talk: (socket: net.Socket) => () => void) => {
      const { hostname, port } = new URL(server().url);
      const socket = net.connect(Number(port), hostname);
      const opened = Date.now();
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
      const stop = talk(socket);
      try {
        const ms = await Promise.race([
          new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - opened))),
          new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5000)),
        ]);
        expect(ms, 'still open after 5 s').to.be.a('number');
        // The deadline, then at most one check of the server's connections (every headers timeout here), and a margin.
        expect(ms).to.be.within(timeoutMs, timeoutMs + HEADERS_TIMEOUT_MS + 1000);
        return received;
      } finally {
        stop();
        socket.destroy();
      }
    };

    it('closes a connection that trickles header lines, within the headers timeout', async () => {
      const received = await closedAfter(HEADERS_TIMEOUT_MS, (socket) => {
        socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n');
        let line = 0;
        const trickle = setInterval(() => socket.writable && socket.write(`x-trickle-${line++}: a\r\n`), 100);
        return () => clearInterval(trickle);
      });
      expect(received).to.match(/^HTTP\/1\.1 408/);
    });

    it('closes a connection that sends nothing, within the headers timeout', async () => {
      await closedAfter(HEADERS_TIMEOUT_MS, () => () => undefined);
    });

    it('closes a connection that sends its head but trickles its body, within the request timeout', async () => {
      const received = await closedAfter(REQUEST_TIMEOUT_MS, (socket) => {
        socket.write('POST /sessions HTTP/1.1\r\nHost: localhost\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n');
        const trickle = setInterval(() => socket.writable && socket.write(' '), 100);
        return () => clearInterval(trickle);
      });
      expect(received).to.match(/^HTTP\/1\.1 408/);
    });

    it('does not cut an answer that takes longer than the request timeout to come', async () => {
      // The read waits for a position never reached, for the read-your-writes timeout (longer than the request timeout).
      const started = Date.now();
      const answer = await server().request('GET', '/sessions', { headers: { 'x-min-position': '999999999' } });
      expect(Date.now() - started).to.be.greaterThan(1500);
      expectProblem(answer, 503, answer.body.code);
    });
  },
  {
    env: {
      AGENT_PLATFORM_HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      AGENT_PLATFORM_HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      AGENT_PLATFORM_READ_YOUR_WRITES_TIMEOUT_MS: '2000',
    },
  },
);
