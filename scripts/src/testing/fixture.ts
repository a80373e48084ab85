import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { platformDomains } from '../domains.js';
import type { FieldValues } from './document.js';
import { streamsOf } from './eventLog.js';
import { fixture as integrationFixture } from './fixtures/integration.js';
import type { FixtureContext, FixturePart } from './fixtures/part.js';
import { minPosition, type TestServer } from './server.js';

/** Where the walks find a route's ids: each domain's fixture part, and the platform's own. */
export type Collections = { collections: Readonly<Record<string, string>>; idFields: Readonly<Record<string, string>> };

export type Fixture = Collections & {
  workspace: string;
  /** Written into every name, title, text and payload of the workspace: an answer holding it shows the workspace's data. */
  marker: string;
  /** Each resource's id, by the name its part gives it (`tool`, `agentVersion`). */
  ids: Readonly<Record<string, string>>;
  /** Every stream holding an event of the workspace. */
  streams: string[];
  /** What the fixture's own requests sent, by field name, and the ids by their field names. */
  values: FieldValues;
};

/** The fixture's parts, in the order they run: every listed domain's, then the platform's own. */
export const fixtureParts = async (): Promise<FixturePart[]> => {
  const ofDomains = platformDomains.map(async ({ contract, fixture }) => {
    // Typed as required, but the specs run untyped (tsx): a domain listed without one is said so.
    const loaded = await fixture?.();
    if (!loaded?.fixture) throw new Error(`the ${contract.name} domain brings no fixture part (scripts/src/testing/fixtures/${contract.name}.ts)`);
    return loaded.fixture;
  });
  return [...(await Promise.all(ofDomains)), integrationFixture];
};

/** The parts' collections and id fields together; two parts that claim the same one are a mistake of theirs. */
export const collectionsOf = (parts: readonly FixturePart[]): Collections => {
  const joined = (key: 'collections' | 'idFields') => {
    const all: Record<string, string> = {};
    for (const part of parts) {
      for (const [name, resource] of Object.entries(part[key])) {
        if (all[name]) throw new Error(`the ${part.name} fixture's ${key} name ${name}, which another part names already`);
        all[name] = resource;
      }
    }
    return all;
  };
  return { collections: joined('collections'), idFields: joined('idFields') };
};

/**
 * One of each resource in `workspace`, made as a client would, by each domain's fixture part in the order
 * of the domain list (`scripts/src/testing/fixtures/<domain>.ts`), then an integration event claimed by an
 * HTTP consumer. A part must make every resource its collections and id fields name.
 */
export const createFixture = async (server: TestServer, databaseUrl: string, workspace: string): Promise<Fixture> => {
  const marker = `marker-${randomBytes(6).toString('hex')}`;
  const sent: Record<string, unknown> = {};
  const headers = { 'x-workspace-id': workspace };
  const ids: Record<string, string> = {};
  const context: FixtureContext = {
    workspace,
    marker,
    databaseUrl,
    ok: async (method, path, body) => {
      Object.assign(sent, body);
      const answer = await server.request(method, path, { body, headers });
      expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).to.be.within(200, 299);
      return answer.body as { id: string; position: number };
    },
    readAfter: async (path, position) => void (await server.request('GET', path, { headers: { ...headers, ...minPosition(position) } })),
    idOf: (resource) => {
      if (!ids[resource]) throw new Error(`no fixture part before this one made a ${resource}`);
      return ids[resource];
    },
  };
  const parts = await fixtureParts();
  const collections = collectionsOf(parts);
  for (const part of parts) {
    const made: Record<string, string> = await part.create(context);
    const named = [...Object.values(part.collections), ...Object.values(part.idFields)];
    for (const resource of named) if (!made[resource]) throw new Error(`the ${part.name} fixture names a ${resource} but made none`);
    Object.assign(ids, made);
  }

  const streams = await streamsOf(databaseUrl, workspace);
  // The ids, and what the fixture sent where it holds no marker (codes, aggregate ids): a request built
  // from these is about the workspace's resources without carrying its data.
  const made = new Set(Object.values(ids));
  const values: FieldValues = (name, schema) => {
    // A field spelled as an id field that holds no id (a session's free-text `user_id` beside an auth user's
    // `user_id`) is about no resource: it takes neither an id nor a value the fixture sent as one.
    const resource = collections.idFields[name];
    if (resource && (!schema || schema.format === 'uuid')) return ids[resource];
    const value = sent[name];
    return typeof value === 'string' && !value.includes(marker) && !made.has(value) ? value : undefined;
  };
  return { workspace, marker, ids, streams, values, ...collections };
};

/**
 * The concrete paths of a documented path about the fixture's resources, one per stream for
 * `/streams/{stream_id}`. A parameter that names no known resource throws: a new kind of resource must
 * be added to its domain's fixture part, never skipped by the suites that walk the document.
 */
export const pathsAbout = (path: string, fixture: Pick<Fixture, 'ids' | 'streams' | 'collections'>): string[] => {
  let paths = [''];
  let prefix = '';
  for (const segment of path.split('/').slice(1)) {
    if (!/^\{.+\}$/.test(segment)) {
      prefix += `/${segment}`;
      paths = paths.map((p) => `${p}/${segment}`);
      continue;
    }
    const resource = fixture.collections[prefix];
    if (prefix !== '/streams' && !resource) throw new Error(`${path}: no fixture resource for the parameter ${segment} after ${prefix}`);
    const values = resource ? [fixture.ids[resource]!] : fixture.streams;
    paths = paths.flatMap((p) => values.map((v) => `${p}/${encodeURIComponent(v)}`));
    prefix += '/{}';
  }
  return paths;
};
