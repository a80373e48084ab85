import { expect } from 'chai';
import fc from 'fast-check';
import { COMMAND_METHODS, label, operationsOf, sample, type Document } from './testing/document.js';
import { eventsAfter, logHead, settled } from './testing/eventLog.js';
import { exchange, type Exchange } from './testing/exchange.js';
import { createFixture, pathsAbout, type Fixture } from './testing/fixture.js';
import { hostileReads, hostileRequests, type Base, type HostileRequest } from './testing/hostile.js';
import { describeOnPlatform, freshWorkspace } from './testing/server.js';

/** Per PostgreSQL target; the suite runs on two, so CI sends twice this many. */
const REQUESTS = Number(process.env.HOSTILE_REQUESTS ?? 5000);
const SEED = Number(process.env.HOSTILE_SEED ?? Date.now() % 2 ** 31);
const READS = 500;
const CONCURRENCY = 8;

type Outcome = Exchange & { request: HostileRequest; route: string };

const sendAll = async (url: string, requests: { route: string; request: HostileRequest }[]): Promise<Outcome[]> => {
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < requests.length; i = next++) {
      const { route, request } = requests[i]!;
      const headers = { 'x-request-id': `hostile-${i}`, ...request.headers };
      const body = request.raw !== undefined ? { body: request.raw } : {};
      outcomes[i] = { request, route, ...(await exchange(url, { method: request.method, path: request.path, headers, ...body }, 5000)) };
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return outcomes;
};

const isProblem = (o: Outcome): boolean => {
  if (o.status < 400 || o.status > 499 || !o.type.startsWith('application/problem+json')) return false;
  try {
    return (JSON.parse(o.text) as { status?: unknown }).status === o.status;
  } catch {
    return false;
  }
};

/** One line per route, spoiling and status, the numbers in the spoiling folded: the report of what did not hold. */
const summary = (outcomes: Outcome[]): string[] => {
  const lines = new Map<string, { count: number; example: string }>();
  for (const o of outcomes) {
    const key = `${o.status} ${o.route}: ${o.request.kind.replace(/\d+/g, 'N')}`;
    const line = lines.get(key) ?? { count: 0, example: o.text.slice(0, 160) };
    lines.set(key, { ...line, count: line.count + 1 });
  }
  return [...lines].map(([key, { count, example }]) => `${count} × ${key} (${example})`);
};

describeOnPlatform('hostile input: generated malformed requests on every command route of the OpenAPI document', (server, databaseUrl) => {
  let doc: Document;
  let bases: Base[];
  let fixture: Fixture;
  before(async function () {
    this.timeout(60_000);
    doc = (await server().request('GET', '/openapi.json')).body;
    fixture = await createFixture(server(), databaseUrl(), freshWorkspace());
    bases = operationsOf(doc)
      .filter((op) => COMMAND_METHODS.includes(op.method))
      .map((op) => ({
        op,
        path: pathsAbout(op.path, fixture)[0]!,
        body: op.body ? sample(doc, op.body, fixture.values) : undefined,
        headers: { 'x-workspace-id': fixture.workspace },
      }));
  });

  it('answers every malformed request with a 4xx problem, never a 5xx, and appends nothing', async function () {
    this.timeout(180_000);
    const arbitrary = fc.oneof(...bases.map((base) => hostileRequests(doc, base).map((request) => ({ route: label(base.op), request }))));
    const requests = fc.sample(arbitrary, { numRuns: REQUESTS, seed: SEED });
    await settled(databaseUrl(), fixture.workspace); // the fixture's last reactions
    const before = await logHead(databaseUrl());

    const outcomes = await sendAll(server().url, requests);

    await new Promise((r) => setTimeout(r, 500)); // a reaction to an event that should not exist
    const after = await logHead(databaseUrl());
    const appended = await eventsAfter(databaseUrl(), before.head);
    const failed = outcomes.filter((o) => !isProblem(o));
    const fiveHundreds = outcomes.filter((o) => o.status >= 500).length;
    console.log(`      ${outcomes.length} hostile requests over ${bases.length} command routes (seed ${SEED}): ${fiveHundreds} answered 5xx, ${failed.length} not a 4xx problem`);

    const perRoute = new Map(bases.map((b) => [label(b.op), 0]));
    for (const o of outcomes) perRoute.set(o.route, perRoute.get(o.route)! + 1);
    expect([...perRoute].filter(([, n]) => n < REQUESTS / bases.length / 3), 'routes drawn too rarely').to.deep.equal([]);
    const culprits = appended.map((e) => `appended ${e.type} to ${e.stream_id} by ${outcomes[Number(e.request_id?.replace('hostile-', ''))]?.request.kind ?? e.request_id}`);
    const more = culprits.length > 30 ? [`… and ${culprits.length - 30} more appended`] : [];
    const report = [...summary(failed), ...culprits.slice(0, 30), ...more, `(replay with HOSTILE_SEED=${SEED})`].join('\n');
    expect({ fiveHundreds, notProblems: failed.length, log: after }, report).to.deep.equal({ fiveHundreds: 0, notProblems: 0, log: before });
  });

  it('answers a NUL in every GET filter and path parameter with a 4xx problem', async function () {
    this.timeout(60_000);
    const reads = operationsOf(doc)
      .filter((op) => op.method === 'get')
      .flatMap((op) => {
        const arbitrary = hostileReads(doc, op, pathsAbout(op.path, fixture)[0]!, { 'x-workspace-id': fixture.workspace });
        return arbitrary ? [arbitrary.map((request) => ({ route: label(op), request }))] : [];
      });
    const outcomes = await sendAll(server().url, fc.sample(fc.oneof(...reads), { numRuns: READS, seed: SEED }));
    const failed = outcomes.filter((o) => !isProblem(o));
    console.log(`      ${outcomes.length} hostile reads over ${reads.length} GET routes (seed ${SEED}): ${outcomes.filter((o) => o.status >= 500).length} answered 5xx, ${failed.length} not a 4xx problem`);
    expect(failed.length, `answers that are not a 4xx problem (replay with HOSTILE_SEED=${SEED}):\n${summary(failed).join('\n')}`).to.equal(0);
  });
});
