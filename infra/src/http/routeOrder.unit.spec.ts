import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { z } from 'zod';
import { Uuid } from '@agent-platform/contracts';
import { createLogger } from '../logging.js';
import { createHttpApp } from './app.js';
import { createApi, route, type Api } from './routes.js';

/** `/things/:id` mounted before `/things/special`, the order in which it would shadow it. */
const thingRoutes = (): Api => {
  const api = createApi();
  const thing = (path: string, name: string) =>
    route(api, {
      method: 'get',
      path,
      summary: name,
      tags: ['things'],
      params: z.object({ id: Uuid }),
      responses: { 200: { description: name } },
      handler: async ({ params }) => ({ status: 200, body: { route: name, id: params.id } }),
    });
  thing('/things/:id', 'a thing');
  thing('/things/:id/parts', 'its parts');
  route(api, {
    method: 'get',
    path: '/things/special',
    summary: 'the special list',
    tags: ['things'],
    responses: { 200: { description: 'the special list' } },
    handler: async () => ({ status: 200, body: { route: 'the special list' } }),
  });
  return api;
};

type Body = { route?: string; id?: string; code?: string; errors?: { field: string }[] };

describe('routes whose path parameters refuse a request', () => {
  let server: http.Server;
  let url: string;
  before(async () => {
    server = http.createServer(createHttpApp(createLogger('silent'), [thingRoutes()]));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Body };
  };

  it('pass a path that is not their id on to the route mounted after them, so mount order does not decide who answers', async () => {
    expect(await get('/things/special')).to.deep.include({ status: 200, body: { route: 'the special list' } });
    expect(await get('/gateway/things/special')).to.deep.include({ status: 200, body: { route: 'the special list' } });
  });

  it('answer a path parameter no route takes with a 400 naming it, as the only route of that path would', async () => {
    const answer = await get('/things/not-a-uuid');
    expect(answer.status).to.equal(400);
    expect(answer.type).to.match(/^application\/problem\+json/);
    expect(answer.body.errors?.map((e) => e.field)).to.deep.equal(['params.id']);
  });

  it('still answer an id with the route it names, and an unknown path with 404', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expect(await get(`/things/${id}`)).to.deep.include({ status: 200, body: { route: 'a thing', id } });
    expect(await get(`/things/${id}/parts`)).to.deep.include({ status: 200, body: { route: 'its parts', id } });
    expect(await get('/nothing/here')).to.deep.include({ status: 404 });
    expect((await get('/nothing/here')).body.code).to.equal('ROUTE_NOT_FOUND');
  });
});
