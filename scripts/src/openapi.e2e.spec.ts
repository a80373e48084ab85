import { randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { expect } from 'chai';
import { describeOnPlatform } from './testing/server.js';

type Parameter = { in: string; name: string; required?: boolean };
type Content = Record<string, { schema: { $ref?: string; properties?: Record<string, unknown>; required?: string[] } }>;
type Operation = { summary?: string; parameters?: Parameter[]; requestBody?: { required?: boolean; content: Content }; responses: Record<string, { content?: Content }> };
type Document = { openapi: string; servers: { url: string }[]; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, { required?: string[] }> } };

/**
 * Every route the app serves, and what its documentation must say: its parameters by location, its
 * body's required fields, its success status and the problem statuses it can answer besides 400.
 */
const ROUTES: { method: string; path: string; params?: Record<string, string[]>; body?: string[]; success: string; problems?: string[] }[] = [
  { method: 'post', path: '/sessions', params: { header: ['idempotency-key'] }, body: ['app_id', 'user_id', 'channel_type'], success: '201', problems: ['422'] },
  {
    method: 'post',
    path: '/sessions/{id}/messages',
    params: { path: ['id'], header: ['idempotency-key'] },
    body: ['role', 'content_text'],
    success: '201',
    problems: ['404', '409', '422'],
  },
  { method: 'post', path: '/sessions/{id}/close', params: { path: ['id'], header: ['idempotency-key'] }, success: '202', problems: ['404', '409', '422'] },
  {
    method: 'get',
    path: '/sessions',
    params: { query: ['user_id', 'app_id', 'status', 'limit', 'cursor'], header: ['x-min-position'] },
    success: '200',
    problems: ['503'],
  },
  { method: 'get', path: '/sessions/{id}', params: { path: ['id'], header: ['x-min-position'] }, success: '200', problems: ['404', '503'] },
  {
    method: 'get',
    path: '/sessions/{id}/messages',
    params: { path: ['id'], query: ['limit', 'after_seq'], header: ['x-min-position'] },
    success: '200',
    problems: ['404', '503'],
  },
  { method: 'get', path: '/streams/{stream_id}', params: { path: ['stream_id'], query: ['from_version', 'limit'] }, success: '200', problems: ['404'] },
  { method: 'get', path: '/events', params: { query: ['after', 'limit', 'type', 'stream_prefix'] }, success: '200' },
  { method: 'get', path: '/projections', success: '200' },
  { method: 'get', path: '/health', success: '200' },
  { method: 'get', path: '/ready', success: '200' },
  { method: 'get', path: '/openapi.json', success: '200' },
];

describeOnPlatform('OpenAPI: GET /openapi.json', (server) => {
  let doc: Document;
  before(async () => {
    const answer = await server().request('GET', '/openapi.json');
    expect(answer.status).to.equal(200);
    doc = answer.body;
  });
  const operation = (method: string, path: string): Operation => {
    const op = doc.paths[path]?.[method];
    expect(op, `${method.toUpperCase()} ${path} is documented`).to.be.an('object');
    return op!;
  };

  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors, JSON.stringify(result.errors, null, 1)).to.equal(undefined);
    expect(result.valid).to.equal(true);
    expect(validator.version).to.equal('3.1');
    expect(() => validator.resolveRefs()).not.to.throw();
  });

  // Summaries built from a noun (the versioned definitions') once read "Get a agent version".
  it('puts "an", not "a", before a noun sounding a vowel in every summary', () => {
    const summaries = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.summary ?? ''));
    expect(summaries.filter((summary) => /\ba [aeio]/i.test(summary))).to.deep.equal([]);
  });

  it('names both entry points as servers: the root and /gateway', () => {
    expect(doc.servers.map((s) => s.url)).to.have.members(['/', '/gateway']);
  });

  for (const route of ROUTES) {
    describe(`${route.method.toUpperCase()} ${route.path}`, () => {
      it('documents its parameters and request body', () => {
        const op = operation(route.method, route.path);
        for (const [location, names] of Object.entries(route.params ?? {})) {
          const documented = (op.parameters ?? []).filter((p) => p.in === location).map((p) => p.name);
          expect(documented, `${location} parameters`).to.include.members(names);
        }
        for (const p of op.parameters ?? []) if (p.in === 'path') expect(p.required, `path parameter ${p.name}`).to.equal(true);
        if (route.body) {
          expect(op.requestBody?.required).to.equal(true);
          const schema = op.requestBody!.content['application/json']!.schema;
          expect(schema.required).to.include.members(route.body);
          expect(Object.keys(schema.properties ?? {})).to.include.members(route.body);
        }
      });

      it('documents its success response and each problem it answers as application/problem+json', () => {
        const op = operation(route.method, route.path);
        expect(op.responses[route.success]?.content, `${route.success} response`).to.have.property('application/json');
        for (const status of ['400', ...(route.problems ?? [])]) {
          const schema = op.responses[status]?.content?.['application/problem+json']?.schema;
          expect(schema?.$ref, `${status} response`).to.equal('#/components/schemas/Problem');
        }
        expect(doc.components.schemas.Problem!.required).to.include.members(['type', 'title', 'status', 'code']);
      });
    });
  }

  it('serves every documented operation, at the root and under /gateway', async () => {
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method, path })));
    expect(operations.length).to.be.at.least(ROUTES.length);
    for (const { method, path } of operations) {
      const url = path.replace('{id}', randomUUID()).replace('{stream_id}', `session-${randomUUID()}`);
      for (const prefix of ['', '/gateway']) {
        const answer = await server().request(method.toUpperCase(), `${prefix}${url}`, method === 'get' ? {} : { body: {} });
        expect(answer.body?.code, `${method.toUpperCase()} ${prefix}${url}`).to.not.equal('ROUTE_NOT_FOUND');
      }
    }
  });

  it('documents ?min_position= wherever x-min-position is documented', () => {
    for (const route of ROUTES.filter((r) => r.params?.header?.includes('x-min-position'))) {
      const query = (operation(route.method, route.path).parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      expect(query, `${route.method.toUpperCase()} ${route.path}`).to.include('min_position');
    }
  });
});
