import { expect } from 'chai';
import { COMMAND_METHODS, label, NO_TENANT_DATA, operationsOf, sample, type Document, type Operation } from './testing/document.js';
import { eventsIn, logHead, settled } from './testing/eventLog.js';
import { exchange, type Exchange } from './testing/exchange.js';
import { createFixture, pathsAbout, type Fixture } from './testing/fixture.js';
import { describeOnPlatform, freshWorkspace } from './testing/server.js';

/** One request as `workspace`, with `body` as JSON. */
const requestAs = (url: string, method: string, path: string, workspace: string, body?: unknown, extra: Record<string, string> = {}): Promise<Exchange> => {
  const headers: Record<string, string> = { 'x-workspace-id': workspace, ...extra };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return exchange(url, { method, path, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }, 3000);
};

const parsed = (e: Exchange): unknown => {
  try {
    return JSON.parse(e.text);
  } catch {
    return e.text;
  }
};

const itemsOf = (e: Exchange): unknown[] | undefined => {
  const items = (parsed(e) as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? items : undefined;
};

/** The query a collection route takes about A's resources: `?agent_id=<A's agent>` and the like. */
const queryAbout = (op: Operation, fixture: Fixture): string => {
  // Ids, and the required fields the fixture sent (a memory's scope): what names A's data in a query.
  const about = (p: Operation['queryParams'][number]) => fixture.idFields[p.name] || (p.required && fixture.values(p.name) !== undefined);
  const pairs = op.queryParams.filter(about).map((p) => `${p.name}=${encodeURIComponent(String(fixture.values(p.name)))}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
};

/**
 * The requests a route takes about A's resources: its paths with A's ids, or, for a collection, the bare
 * path and the path with a query naming A's resources; a route that requires a filter (a memory's scope)
 * is asked with it only.
 */
const pathsOf = (op: Operation, a: Fixture): string[] => {
  if (op.pathParams.length) return pathsAbout(op.path, a);
  const bare = op.queryParams.some((p) => p.required) ? [] : [op.path];
  return [...new Set([...bare, `${op.path}${queryAbout(op, a)}`])];
};

/** What A reads through every tenant route, to compare before and after B's commands; `next_after` and the like move with other tenants' writes, the items must not. */
const readsOf = async (url: string, ops: Operation[], a: Fixture, position: number): Promise<Record<string, string>> => {
  const reads: Record<string, string> = {};
  for (const op of ops.filter((o) => o.method === 'get' && !o.produces.includes('text/event-stream'))) {
    for (const path of pathsOf(op, a)) {
      const e = await requestAs(url, 'GET', path, a.workspace, undefined, { 'x-min-position': String(position) });
      reads[path] = `${e.status} ${JSON.stringify(itemsOf(e) ?? parsed(e))}`;
    }
  }
  return reads;
};

describeOnPlatform('workspace isolation, walked over the OpenAPI document', (server, databaseUrl) => {
  let doc: Document;
  let a: Fixture;
  before(async function () {
    this.timeout(60_000);
    doc = (await server().request('GET', '/openapi.json')).body;
    a = await createFixture(server(), databaseUrl(), freshWorkspace());
    await settled(databaseUrl(), a.workspace);
  });

  it('names only documented routes as holding no tenant data', () => {
    const documented = operationsOf(doc).map(label);
    expect(documented).to.include.members(NO_TENANT_DATA);
  });

  it("answers workspace B 404, or an empty list, on every route about A's ids, and B's commands change nothing of A's", async function () {
    this.timeout(120_000);
    const url = server().url;
    const b = freshWorkspace();
    const ops = operationsOf(doc).filter((op) => !NO_TENANT_DATA.includes(label(op)));
    const violations: string[] = [];
    const check = (op: Operation, path: string, e: Exchange, expected: 'not found' | 'empty list' | 'done') => {
      const where = `${label(op)} as ${path}`;
      if (e.text.includes(a.marker)) violations.push(`${where}: B's answer holds A's data: ${e.text.slice(0, 300)}`);
      if (expected === 'not found' && (e.status !== 404 || !e.type.startsWith('application/problem+json'))) {
        violations.push(`${where}: expected a 404 problem, got ${e.status} ${e.text.slice(0, 300)}`);
      }
      if (expected === 'empty list' && (e.status !== 200 || itemsOf(e)?.length !== 0)) violations.push(`${where}: expected an empty list, got ${e.status} ${e.text.slice(0, 300)}`);
      // A 400 would mean the walk built a request the route refuses as malformed, and exercised nothing.
      if (expected === 'done' && (e.status < 200 || e.status > 299)) violations.push(`${where}: expected B's own command to succeed, got ${e.status} ${e.text.slice(0, 300)}`);
    };

    const readsBefore = await readsOf(url, ops, a, 0);
    let logBefore = await logHead(databaseUrl(), a.workspace);
    let streamsBefore = await eventsIn(databaseUrl(), a.streams);
    let requests = 0;

    for (const op of ops.filter((o) => o.method === 'get')) {
      for (const path of pathsOf(op, a)) {
        check(op, path, await requestAs(url, 'GET', path, b), op.pathParams.length ? 'not found' : 'empty list');
        requests++;
      }
    }
    for (const op of ops.filter((o) => COMMAND_METHODS.includes(o.method))) {
      const body = op.body ? sample(doc, op.body, a.values) : undefined;
      const aboutA = op.pathParams.length > 0 || Object.values(a.ids).some((id) => JSON.stringify(body ?? {}).includes(id));
      for (const path of pathsOf(op, a)) {
        check(op, path, await requestAs(url, op.method.toUpperCase(), path, b, body), aboutA ? 'not found' : 'done');
        requests++;
        const log = await logHead(databaseUrl(), a.workspace);
        const inStreams = await eventsIn(databaseUrl(), a.streams);
        if (log.count !== logBefore.count || log.head !== logBefore.head) violations.push(`${label(op)}: A's log moved from ${JSON.stringify(logBefore)} to ${JSON.stringify(log)}`);
        if (inStreams !== streamsBefore) violations.push(`${label(op)}: A's streams went from ${streamsBefore} to ${inStreams} events`);
        // Each route answers for its own change only.
        [logBefore, streamsBefore] = [log, inStreams];
      }
    }

    const { head } = await logHead(databaseUrl());
    const readsAfter = await readsOf(url, ops, a, head);
    for (const [path, read] of Object.entries(readsBefore)) {
      if (readsAfter[path] !== read) violations.push(`A's read ${path} changed: ${read.slice(0, 200)} became ${readsAfter[path]?.slice(0, 200)}`);
    }
    console.log(`      walked ${ops.length} routes with ${requests} requests as workspace B`);
    expect(violations, violations.join('\n')).to.deep.equal([]);
    // Every route of the document, less the ones without tenant data, was walked.
    expect(ops.length).to.equal(operationsOf(doc).length - NO_TENANT_DATA.length);
    expect(requests).to.be.at.least(ops.length);
  });
});
