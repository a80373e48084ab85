import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createApi, createBwrapCodeRunner, createHttpApp, createLogger } from '@agent-platform/infra';
import { codeRoutes } from './routes.js';

/** The route on a host where the sandbox cannot be made: a 503 problem, the program never run. */
describe('POST /code/run where the runner cannot isolate', () => {
  let server: http.Server;
  let url: string;
  before(async () => {
    const runner = await createBwrapCodeRunner({
      pythonBin: '/usr/bin/python3',
      bwrap: '/nonexistent/bwrap',
      limits: { memoryBytes: 2 ** 28, maxProcesses: 16, maxOutputBytes: 2 ** 16, diskBytes: 2 ** 24 },
    });
    const api = createApi();
    codeRoutes(api, { runner, maxTimeoutSeconds: 30 });
    server = http.createServer(createHttpApp(createLogger('silent'), [api]));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => server?.close(resolve)));

  it('answers 503 problem+json CODE_RUNNER_UNAVAILABLE, with a Retry-After', async () => {
    const response = await fetch(`${url}/code/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ language: 'python', code: 'print(1)' }),
    });
    expect(response.status).to.equal(503);
    expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(response.headers.get('retry-after')).to.equal('300');
    expect(await response.json()).to.include({ status: 503, code: 'CODE_RUNNER_UNAVAILABLE' });
  });
});
