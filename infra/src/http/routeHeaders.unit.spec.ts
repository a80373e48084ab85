import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { z } from 'zod';
import { createLogger } from '../logging.js';
import { createHttpApp } from './app.js';
import { openApiDocument } from './openapi.js';
import { createApi, route } from './routes.js';

const Headers = z.object({
  'x-count': z.string().regex(/^\d+$/).transform(Number).optional(),
  'x-name': z.string().max(5).optional(),
});

describe('the headers a route declares', () => {
  let server: http.Server;
  let url: string;
  before(async () => {
    const api = createApi();
    route(api, {
      method: 'get',
      path: '/echo',
      summary: 'echo the parsed headers',
      tags: ['echo'],
      headers: Headers,
      responses: { 200: { description: 'the headers the handler was given' } },
      handler: async ({ headers }) => ({ status: 200, body: { headers } }),
    });
    server = http.createServer(createHttpApp(createLogger('silent'), [api]));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  const get = async (headers: Record<string, string>) => {
    const response = await fetch(`${url}/echo`, { headers });
    return { status: response.status, body: (await response.json()) as { headers?: unknown; errors?: { field: string }[] } };
  };

  it('reach the handler parsed, as their schema gives them, so no handler reads them again from the request', async () => {
    expect(await get({ 'x-count': '42', 'X-Name': 'ann', 'x-undeclared': 'y' })).to.deep.equal({ status: 200, body: { headers: { 'x-count': 42, 'x-name': 'ann' } } });
  });

  it('count one sent empty as not sent', async () => {
    expect(await get({ 'x-count': '', 'x-name': 'ann' })).to.deep.equal({ status: 200, body: { headers: { 'x-name': 'ann' } } });
  });

  it('refuse a bad one with a 400 naming it as it is sent', async () => {
    const answer = await get({ 'x-count': 'many', 'x-name': 'too long' });
    expect(answer.status).to.equal(400);
    expect(answer.body.errors?.map((e) => e.field)).to.deep.equal(['x-count', 'x-name']);
  });
});

describe('the headers a route answers with', () => {
  it('are declared in the OpenAPI document of the answer that sets them', () => {
    const api = createApi();
    route(api, {
      method: 'get',
      path: '/said',
      summary: 'answers with a header',
      tags: ['echo'],
      responses: { 200: { description: 'said', headers: z.object({ 'x-said-by': z.string().describe('who said it') }) } },
      handler: async () => ({ status: 200, body: {}, headers: { 'x-said-by': 'me' } }),
    });
    const document = openApiDocument([api], '0') as { paths: Record<string, { get: { responses: Record<string, { headers?: Record<string, { description?: string; schema: unknown }> }> } }> };
    const headers = document.paths['/said']!.get.responses['200']!.headers;
    expect(headers?.['x-said-by']).to.deep.include({ description: 'who said it', required: true });
    expect(headers?.['x-said-by']?.schema).to.deep.include({ type: 'string' });
  });
});
