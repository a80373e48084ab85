import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { createCommandApi } from '@agent-platform/command-api';
import { domains, eventCatalog, ProjectionName, type DomainName } from '@agent-platform/contracts';
import { createKnex, createLogger, createPool, loadConfig, openApiDocument, type EventStore, type Knex, type Pool } from '@agent-platform/infra';
import { createQueryApi } from '@agent-platform/query-api';
import { commandModules, platformDomains, processorModules, projectionModules, projectors, queryModules } from './domains.js';
import { openEventStore } from './eventStore.js';
import { label, NO_TENANT_DATA, operationsOf, sample, type Document } from './testing/document.js';
import { collectionsOf, fixtureParts, pathsAbout, type Collections } from './testing/fixture.js';
import type { FixturePart } from './testing/fixtures/part.js';
import { describeOnPlatform, TEST_ENV } from './testing/server.js';

const EVENTS_MD = readFileSync(new URL('../../contracts/EVENTS.md', import.meta.url), 'utf8');

/** A fixture whose every id is `id`: enough to ask the isolation walk whether it can name a route's parameters. */
const ANY_IDS = new Proxy({}, { get: () => 'id' }) as Record<string, string>;
const AN_ID = '00000000-0000-4000-8000-000000000000';

const namesOf = (modules: readonly { name: DomainName }[]) => modules.map((m) => m.name);

/**
 * Every domain in contracts' `domains` is wired on every side: a domain listed in one list but not the
 * other, or missing a part, fails here rather than as a route that is missing, unwalked or never fresh.
 */
describeOnPlatform('every listed domain, fully wired', (server, databaseUrl) => {
  let knex: Knex;
  let pool: Pool;
  let store: EventStore;
  let platformDoc: Document;
  let parts: FixturePart[];
  let walked: Collections;
  before(async () => {
    parts = await fixtureParts();
    walked = collectionsOf(parts);
    knex = createKnex(databaseUrl());
    pool = createPool(databaseUrl(), 2);
    store = await openEventStore(loadConfig({ ...TEST_ENV, AGENT_PLATFORM_DATABASE_URL: databaseUrl() }), { pool, url: databaseUrl() }, createLogger('silent'));
    platformDoc = (await server().request('GET', '/openapi.json')).body;
  });
  after(async () => {
    await store?.close();
    await pool?.end();
    await knex?.destroy();
  });

  /** The operations a domain's own modules add to the document, beside what every API mounts anyway. */
  const routesOf = (name: DomainName): string[] => {
    const document = (apis: Parameters<typeof openApiDocument>[0]) => operationsOf(openApiDocument(apis, 'test') as Document).map(label);
    const queryDeps = { knex, store, projectionNames: [], readYourWritesTimeoutMs: 1000 };
    const base = document([createCommandApi(store, knex, { modules: [] }), createQueryApi({ ...queryDeps, modules: [] })]);
    const own = document([
      createCommandApi(store, knex, { modules: commandModules.filter((m) => m.name === name) }),
      createQueryApi({ ...queryDeps, modules: queryModules.filter((m) => m.name === name) }),
    ]);
    return own.filter((route) => !base.includes(route));
  };

  it("lists in the composition root the domains of contracts' list, in its order, each part named for its domain", () => {
    const listed = domains.map((d) => d.name);
    expect(platformDomains.map((d) => d.contract.name), "scripts' platformDomains").to.deep.equal(listed);
    platformDomains.forEach((domain, i) => {
      const { name } = domain.contract;
      expect(domain.contract, name).to.equal(domains[i]);
      const parts = [domain.commands, domain.projection, domain.queries, ...(domain.processors ? [domain.processors] : [])];
      expect(parts.map((p) => p.name), `the parts of ${name}`).to.deep.equal(parts.map(() => name));
      expect(domain.fixture, `${name} brings a fixture part`).to.be.a('function');
    });
  });

  it('assembles each package from the listed domains only, each once', () => {
    const listed = domains.map((d) => d.name);
    expect(new Set(listed).size, 'a domain listed twice').to.equal(listed.length);
    expect(namesOf(commandModules), 'command-api modules').to.have.members(listed);
    expect(namesOf(projectionModules), 'projectors modules').to.have.members(listed);
    expect(namesOf(queryModules), 'query-api modules').to.have.members(listed);
    // A domain that only records and reads has no processors; one that has them is listed.
    expect(listed).to.include.members(namesOf(processorModules));
    expect(new Set(namesOf(processorModules)).size).to.equal(processorModules.length);
  });

  for (const domain of domains) {
    describe(`the ${domain.name} domain`, () => {
      it('has its events in the catalog, each documented in EVENTS.md at its version', () => {
        expect(domain.events, 'a domain writes events').to.have.length.greaterThan(0);
        for (const event of domain.events) {
          expect(eventCatalog, event.type).to.include(event);
          expect(EVENTS_MD, `EVENTS.md should have a row for ${event.type}`).to.match(new RegExp(`\\| \`${event.type}\` \\| ${event.version} \\|`));
        }
      });

      it('registers a projector for each of its projections, with the migrations of its tables, and the platform reports them', async () => {
        const module = projectionModules.find((m) => m.name === domain.name)!;
        expect(module.projectors.map((p) => p.name)).to.have.members([...domain.projections]);
        expect(module.migrations, 'the tables its projectors write are created by its migrations').to.have.length.greaterThan(0);
        for (const projection of domain.projections) {
          expect(ProjectionName.options).to.include(projection);
          expect(projectors.map((p) => p.name)).to.include(projection);
        }
        const { items } = (await server().request('GET', '/projections')).body as { items: { name: string }[] };
        expect(items.map((s) => s.name)).to.include.members([...domain.projections]);
      });

      it("brings its part of the walks' fixture, naming where its resources' ids go", () => {
        const part = parts.find((p) => p.name === domain.name);
        if (!part) expect.fail(`${domain.name} has no fixture part (scripts/src/testing/fixtures/${domain.name}.ts)`);
        expect(Object.keys(part.collections).length + Object.keys(part.idFields).length, 'names where its resources go').to.be.greaterThan(0);
      });

      it('documents its routes in the OpenAPI document, and the isolation walk walks every one', () => {
        const routes = routesOf(domain.name);
        expect(routes, 'a domain serves routes').to.have.length.greaterThan(0);
        const documented = operationsOf(platformDoc);
        for (const route of routes) {
          const op = documented.find((o) => label(o) === route);
          if (!op) expect.fail(`${route} should be in the platform's OpenAPI document`);
          expect(NO_TENANT_DATA, `${route} is walked`).to.not.include(route);
          // The walk names each path parameter and id field from the fixture's parts; one it cannot name would stop the walk.
          expect(() => pathsAbout(op.path, { ids: ANY_IDS, streams: ['stream'], collections: walked.collections }), route).to.not.throw();
          if (op.body) expect(() => sample(platformDoc, op.body!, (field) => (walked.idFields[field] ? AN_ID : undefined)), route).to.not.throw();
        }
      });
    });
  }
});
