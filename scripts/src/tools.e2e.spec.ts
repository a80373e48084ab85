import { expect } from 'chai';
import { describeOnPlatform, expectProblem, fieldsOf, freshWorkspace, minPosition, workspaceClient } from './testing/server.js';

describeOnPlatform('tools over HTTP', (server) => {
  const { call } = workspaceClient(server);
  // The seed's example bodies, unchanged but for the tool id.
  const createTool = async () => {
    const answer = await call('POST', '/tools', { code: 'search_products', name: 'Search Products', tool_type: 'http' });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body as { id: string; position: number };
  };
  const createVersion = async (toolId: string, extra: Record<string, unknown> = {}) => {
    const answer = await call('POST', '/tools/versions', {
      tool_id: toolId,
      input_schema_json: { query: { type: 'string' } },
      invoke_config_json: { method: 'GET', path: '/products/search' },
      ...extra,
    });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body as { id: string; position: number };
  };

  it("runs the seed's example: a tool, then a version of it, both readable", async () => {
    const tool = await createTool();
    const version = await createVersion(tool.id);
    const read = await call('GET', `/tools/${tool.id}`, undefined, minPosition(version.position));
    expect(read.body).to.deep.include({ id: tool.id, code: 'search_products', name: 'Search Products', tool_type: 'http', version_count: 1 });
    expect(read.body.latest_published_version_id).to.equal(null);
    const v = await call('GET', `/tools/versions/${version.id}`);
    expect(v.body).to.deep.include({ tool_id: tool.id, version_no: 1, status: 'draft', input_schema_json: { query: { type: 'string' } } });
    expect(v.body.invoke_config_json).to.deep.include({ method: 'GET', path: '/products/search', timeout_ms: 10_000 });
  });

  it('refuses a second tool with the same code in a workspace (409), but not in another', async () => {
    await createTool();
    const again = await call('POST', '/tools', { code: 'search_products', name: 'Again', tool_type: 'http' });
    expectProblem(again, 409, 'TOOL_CODE_TAKEN');
    const elsewhere = await server().request('POST', '/tools', {
      body: { code: 'search_products', name: 'Elsewhere', tool_type: 'http' },
      headers: { 'x-workspace-id': freshWorkspace() },
    });
    expect(elsewhere.status).to.equal(201);
  });

  it('publishes and deprecates versions; the newest published one is the default', async () => {
    const tool = await createTool();
    const v1 = await createVersion(tool.id, { status: 'published' });
    const v2 = await createVersion(tool.id);
    let answer = await call('POST', `/tools/${tool.id}/versions/${v2.id}/publish`);
    expect(answer.status).to.equal(202);
    expect((await call('GET', `/tools/${tool.id}`, undefined, minPosition(answer.body.position))).body.latest_published_version_id).to.equal(v2.id);
    answer = await call('POST', `/tools/${tool.id}/versions/${v2.id}/deprecate`);
    expect((await call('GET', `/tools/${tool.id}`, undefined, minPosition(answer.body.position))).body.latest_published_version_id).to.equal(v1.id);
    expectProblem(await call('POST', `/tools/${tool.id}/versions/${v2.id}/publish`), 409, 'TOOL_VERSION_NOT_DRAFT');
    const versions = await call('GET', `/tools/${tool.id}/versions`);
    expect(versions.body.items.map((v: { version_no: number; status: string }) => [v.version_no, v.status])).to.deep.equal([
      [2, 'deprecated'],
      [1, 'published'],
    ]);
  });

  it('lists tools of the workspace only, filtered by type', async () => {
    const tool = await createTool();
    const list = await call('GET', '/tools?tool_type=http', undefined, minPosition(tool.position));
    expect(list.body.items.map((t: { id: string }) => t.id)).to.deep.equal([tool.id]);
    expect((await call('GET', '/tools?tool_type=code')).body.items).to.deep.equal([]);
  });

  it('answers 404 for unknown tools and versions, and 400 naming bad fields', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expectProblem(await call('GET', `/tools/${unknown}`), 404, 'TOOL_NOT_FOUND');
    expectProblem(await call('GET', `/tools/versions/${unknown}`), 404, 'TOOL_VERSION_NOT_FOUND');
    expectProblem(await call('POST', '/tools/versions', { tool_id: unknown }), 404, 'TOOL_NOT_FOUND');
    const bad = await call('POST', '/tools', { code: 'has space', name: 'x', tool_type: 'ftp' });
    expectProblem(bad, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(bad)).to.have.members(['body.code', 'body.tool_type']);
  });

  describe('an invoke config judged when the version is created, not when the tool is called', () => {
    /** A 400 naming `field`, with nothing appended: the tool has no version. */
    const expectRefused = async (invoke_config_json: Record<string, unknown>, field: string) => {
      const tool = await createTool();
      const answer = await call('POST', '/tools/versions', { tool_id: tool.id, invoke_config_json });
      expectProblem(answer, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(answer)).to.deep.equal([field]);
      expect((await call('GET', `/tools/${tool.id}`, undefined, minPosition(tool.position))).body.version_count).to.equal(0);
    };
    const base_url = 'https://crm.example';

    it('refuses x-access-key with a literal token at creation (400 naming the header), nothing appended', async () => {
      await expectRefused({ base_url, headers: { 'x-access-key': 'AKIAIOSFODNN7EXAMPLE' } }, 'body.invoke_config_json.headers.x-access-key');
    });
    it('refuses a literal Bearer credential under a header named Authentication', async () => {
      await expectRefused({ base_url, headers: { Authentication: 'Bearer abc' } }, 'body.invoke_config_json.headers.Authentication');
    });
    it('refuses CRLF in a header value (header injection) at creation', async () => {
      await expectRefused({ base_url, headers: { 'x-tenant': 'acme\r\nx-injected: 1' } }, 'body.invoke_config_json.headers.x-tenant');
    });
    it('refuses a header name that is not an HTTP token at creation', async () => {
      await expectRefused({ base_url, headers: { 'x tenant:': 'acme' } }, 'body.invoke_config_json.headers.x tenant:');
    });
    it('refuses an ftp:// base_url at creation', async () => {
      await expectRefused({ base_url: 'ftp://files.example/export' }, 'body.invoke_config_json.base_url');
    });
  });
});
