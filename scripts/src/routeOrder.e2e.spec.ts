import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createHttpApp, createKnex, createLogger, createPool, loadConfig, type EventStore, type Knex, type Pool } from '@agent-platform/infra';
import { createQueryApi } from '@agent-platform/query-api';
import { projectors, queryModules } from './domains.js';
import { openEventStore } from './eventStore.js';
import { describeOnPlatform, expectProblem, fieldsOf, minPosition, send, sessionBody, TEST_ENV, workspaceClient } from './testing/server.js';

/**
 * The domains' query routes mounted in the reverse of their usual order, over the platform's database:
 * `/agents/:id` and `/tools/:id` now come before `/agents/runs`, `/agents/versions/:id` and
 * `/tools/versions/:id`, the order in which they would take `runs` or `versions` for an id.
 */
describeOnPlatform('query routes mounted in reverse order', (server, databaseUrl) => {
  const { call, ok, headers } = workspaceClient(server);
  let knex: Knex;
  let pool: Pool;
  let store: EventStore;
  let reversed: http.Server;
  let url: string;
  before(async () => {
    const log = createLogger('silent');
    knex = createKnex(databaseUrl());
    pool = createPool(databaseUrl(), 2);
    store = await openEventStore(loadConfig({ ...TEST_ENV, AGENT_PLATFORM_DATABASE_URL: databaseUrl() }), { pool, url: databaseUrl() }, log);
    const api = createQueryApi({ knex, store, projectionNames: projectors.map((p) => p.name), readYourWritesTimeoutMs: 10_000, modules: [...queryModules].reverse() });
    reversed = http.createServer(createHttpApp(log, [api]));
    await new Promise<void>((resolve) => reversed.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(reversed.address() as AddressInfo).port}`;
  });
  after(async () => {
    reversed?.closeAllConnections();
    await new Promise((resolve) => reversed?.close(resolve));
    await store?.close();
    await pool?.end();
    await knex?.destroy();
  });
  const get = (path: string, position?: number) => send(url, 'GET', path, { headers: { ...headers(), ...(position ? minPosition(position) : {}) } });

  it('lists runs at /agents/runs and reads versions at /agents/versions/:id and /tools/versions/:id, not taking runs or versions for an id', async () => {
    const tool = await ok('POST', '/tools', { code: 'search_products', name: 'Search Products', tool_type: 'http' });
    const toolVersion = await ok('POST', '/tools/versions', { tool_id: tool.id, status: 'published', invoke_config_json: { method: 'GET', path: '/search' } });
    const agent = await ok('POST', '/agents', { code: 'sales_agent', name: 'Sales Agent', agent_type: 'assistant' });
    const version = await ok('POST', '/agents/versions', { agent_id: agent.id, status: 'published', system_prompt: 'Be brief.' });
    const session = await ok('POST', '/sessions', sessionBody());
    const run = await ok('POST', '/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: 'hi', auto_execute: false });

    const runs = await get(`/agents/runs?session_id=${session.id}`, run.position);
    expect(runs.status, JSON.stringify(runs.body)).to.equal(200);
    expect(runs.body.items.map((r: { id: string }) => r.id)).to.deep.equal([run.id]);
    expect((await get(`/agents/runs/${run.id}`, run.position)).body).to.include({ id: run.id, agent_version_id: version.id });
    expect((await get(`/agents/runs/${run.id}/tool-invocations`, run.position)).body).to.deep.equal({ items: [], next_cursor: null });
    expect((await get(`/agents/versions/${version.id}`, run.position)).body).to.include({ id: version.id, agent_id: agent.id });
    expect((await get(`/tools/versions/${toolVersion.id}`, run.position)).body).to.include({ id: toolVersion.id, tool_id: tool.id });
    expect((await get(`/agents/${agent.id}`, run.position)).body).to.include({ id: agent.id, code: 'sales_agent' });
    expect((await get(`/agents/${agent.id}/versions`, run.position)).body.items.map((v: { id: string }) => v.id)).to.deep.equal([version.id]);
    expect((await get(`/tools/${tool.id}`, run.position)).body).to.include({ id: tool.id });
    // The usual order answers the same.
    expect((await call('GET', `/agents/runs?session_id=${session.id}`, undefined, minPosition(run.position))).body.items.map((r: { id: string }) => r.id)).to.deep.equal([run.id]);
  });

  it('still answers a path parameter that is no id with 400 naming it, and an unknown id with 404', async () => {
    for (const path of ['/agents/not-an-id', '/agents/runs/not-an-id', '/agents/versions/not-an-id', '/tools/runs', '/agents/runs/versions']) {
      const answer = await get(path);
      expectProblem(answer, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(answer), path).to.deep.equal(['params.id']);
    }
    const unknown = '00000000-0000-4000-8000-000000000000';
    expectProblem(await get(`/agents/${unknown}`), 404, 'AGENT_NOT_FOUND');
    expectProblem(await get(`/agents/runs/${unknown}`), 404, 'AGENT_RUN_NOT_FOUND');
    expectProblem(await get(`/agents/versions/${unknown}`), 404, 'AGENT_VERSION_NOT_FOUND');
  });
});
