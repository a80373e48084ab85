import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { SESSIONS_CATEGORY, streamId, toEnvelope } from '@agent-platform/contracts';
import { openTestEventStore } from '@agent-platform/infra/testing';
import { recordDeadLetter } from '@agent-platform/processors';
import type { FieldValues } from './document.js';
import { streamsOf } from './eventLog.js';
import { minPosition, type TestServer } from './server.js';

/** The resources a route's ids can name; a path parameter or a body field refers to one of them. */
export type Resource = 'session' | 'tool' | 'toolVersion' | 'agent' | 'agentVersion' | 'run' | 'deadLetter' | 'integrationEvent';

/** A body field that names a resource (`agent_id`), as every route spells it. */
export const ID_FIELDS: Record<string, Resource> = {
  session_id: 'session',
  tool_id: 'tool',
  tool_version_id: 'toolVersion',
  agent_id: 'agent',
  agent_version_id: 'agentVersion',
  run_id: 'run',
  dead_letter_id: 'deadLetter',
  event_id: 'integrationEvent',
};

export type Fixture = {
  workspace: string;
  /** Written into every name, title, text and payload of the workspace: an answer holding it shows the workspace's data. */
  marker: string;
  ids: Record<Resource, string>;
  /** Every stream holding an event of the workspace. */
  streams: string[];
  /** What the fixture's own requests sent, by field name, and the ids by their field names. */
  values: FieldValues;
};

/**
 * One of each resource in `workspace`, made as a client would (a dead letter, which only a failing
 * consumer makes, is recorded through the command handler the processors use): a tool and a published
 * version, an agent and a published version, a session with messages, a run that waits for a worker
 * (`auto_execute: false`, so nothing acts on its own afterwards), an integration event claimed by an
 * HTTP consumer, and a dead letter of the session's first event.
 */
export const createFixture = async (server: TestServer, databaseUrl: string, workspace: string): Promise<Fixture> => {
  const marker = `marker-${randomBytes(6).toString('hex')}`;
  const sent: Record<string, unknown> = {};
  const headers = { 'x-workspace-id': workspace };
  const ok = async (method: string, path: string, body?: Record<string, unknown>) => {
    Object.assign(sent, body);
    const answer = await server.request(method, path, { body, headers });
    expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).to.be.within(200, 299);
    return answer.body as { id: string; position: number };
  };
  const tool = await ok('POST', '/tools', { code: `tool_${randomBytes(4).toString('hex')}`, name: marker, tool_type: 'http', description: marker });
  const toolVersion = await ok('POST', '/tools/versions', {
    tool_id: tool.id,
    status: 'published',
    invoke_config_json: { method: 'POST', base_url: 'http://127.0.0.1:9/orders', path: '', headers: {}, timeout_ms: 1000 },
  });
  const agent = await ok('POST', '/agents', { code: `agent_${randomBytes(4).toString('hex')}`, name: marker, description: marker });
  const agentVersion = await ok('POST', '/agents/versions', { agent_id: agent.id, status: 'published', system_prompt: marker });
  const session = await ok('POST', '/sessions', { app_id: 'app', user_id: 'user', channel_type: 'web', title: marker, metadata_json: { marker } });
  await ok('POST', `/sessions/${session.id}/messages`, { role: 'user', content_text: marker, metadata_json: { marker } });
  const run = await ok('POST', '/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: marker, auto_execute: false });
  const integrationEvent = await ok('POST', '/events', {
    event_type: 'walk.created',
    source_service: 'walk',
    aggregate_type: 'order',
    aggregate_id: `order-${randomBytes(6).toString('hex')}`,
    payload_json: { marker },
  });
  await ok('POST', '/events/claim-pending', { consumer: 'default', limit: 500 });
  const deadLetter = await recordDeadLetterOf(server, databaseUrl, workspace, session.id);

  const ids = {
    session: session.id,
    tool: tool.id,
    toolVersion: toolVersion.id,
    agent: agent.id,
    agentVersion: agentVersion.id,
    run: run.id,
    deadLetter,
    integrationEvent: integrationEvent.id,
  };
  const streams = await streamsOf(databaseUrl, workspace);
  // The ids, and what the fixture sent where it holds no marker (codes, aggregate ids): a request built
  // from these is about the workspace's resources without carrying its data.
  const values: FieldValues = (name) => {
    if (ID_FIELDS[name]) return ids[ID_FIELDS[name]];
    const value = sent[name];
    return typeof value === 'string' && !value.includes(marker) ? value : undefined;
  };
  return { workspace, marker, ids, streams, values };
};

/** A dead letter of the session's first event, recorded as a processor that gave up on it records it: no route makes one. */
const recordDeadLetterOf = async (server: TestServer, databaseUrl: string, workspace: string, sessionId: string): Promise<string> => {
  const { store, close } = await openTestEventStore(databaseUrl, 2);
  try {
    const [opened] = await store.readStream(streamId(SESSIONS_CATEGORY, sessionId));
    const id = await recordDeadLetter(store, 'walk', toEnvelope(opened!, SESSIONS_CATEGORY), 1, new Error(`failed ${randomUUID()}`));
    await server.request('GET', `/dead-letters/${id}`, { headers: { 'x-workspace-id': workspace, ...minPosition(await store.headPosition()) } });
    return id;
  } finally {
    await close();
  }
};

/** Where a collection's ids go in a path: `/tools/{id}` names a tool, `/tools/{id}/versions/{version_id}` a tool version. */
const COLLECTIONS: Record<string, Resource> = {
  '/sessions': 'session',
  '/tools': 'tool',
  '/tools/versions': 'toolVersion',
  '/tools/{}/versions': 'toolVersion',
  '/agents': 'agent',
  '/agents/versions': 'agentVersion',
  '/agents/{}/versions': 'agentVersion',
  '/agents/runs': 'run',
  '/dead-letters': 'deadLetter',
  '/events': 'integrationEvent',
};

/**
 * The concrete paths of a documented path about the fixture's resources, one per stream for
 * `/streams/{stream_id}`. A parameter that names no known resource throws: a new kind of resource must
 * be added to the fixture, never skipped by the suites that walk the document.
 */
export const pathsAbout = (path: string, fixture: Pick<Fixture, 'ids' | 'streams'>): string[] => {
  let paths = [''];
  let prefix = '';
  for (const segment of path.split('/').slice(1)) {
    if (!/^\{.+\}$/.test(segment)) {
      prefix += `/${segment}`;
      paths = paths.map((p) => `${p}/${segment}`);
      continue;
    }
    const resource = COLLECTIONS[prefix];
    if (prefix !== '/streams' && !resource) throw new Error(`${path}: no fixture resource for the parameter ${segment} after ${prefix}`);
    const values = resource ? [fixture.ids[resource]] : fixture.streams;
    paths = paths.flatMap((p) => values.map((v) => `${p}/${encodeURIComponent(v)}`));
    prefix += '/{}';
  }
  return paths;
};
