import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { describeOnPlatform, expectProblem, fieldsOf, freshWorkspace, minPosition, sessionBody, startServer, UUID, wholeLog, workspaceClient } from './testing/server.js';

describeOnPlatform('sessions: commands and queries over HTTP', (server) => {
  // Each test writes in a workspace of its own, so counts and lists see only its own writes.
  const { call, headers: workspace } = workspaceClient(server);
  const open = async (overrides: Record<string, unknown> = {}) => {
    const answer = await call('POST', '/sessions', sessionBody(overrides));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body as { id: string; position: number };
  };
  /**
   * The workspace's events in the log. The log shows an event only once no older transaction can still
   * commit, so a count that must include `position` first waits for the read model to have applied it.
   */
  const eventCount = async (position = 0) => {
    if (position) expect((await call('GET', '/sessions?limit=1', undefined, minPosition(position))).status).to.equal(200);
    return (await wholeLog((path) => call('GET', path))).length;
  };
  const streamVersion = async (id: string) => (await call('GET', `/streams/session-${id}`)).body.version as number;

  it('opens a session: 201 with its id and the global position of its event', async () => {
    const answer = await call('POST', '/sessions', sessionBody());
    expect(answer.status).to.equal(201);
    expect(answer.body.id).to.match(UUID);
    expect(answer.body.position).to.be.a('number').greaterThan(0);
  });

  it('reads its own write: with x-min-position the new session is there at once, every field as sent', async () => {
    const { id, position } = await open({ metadata_json: { locale: 'fr', tier: 2 } });
    const answer = await call('GET', `/sessions/${id}`, undefined, minPosition(position));
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.include({
      id,
      workspace_id: workspace()['x-workspace-id'],
      app_id: 'app-1',
      user_id: 'user-1',
      channel_type: 'web',
      title: 'Support chat',
      status: 'active',
      metadata_json: { locale: 'fr', tier: 2 },
      message_count: 0,
      last_message_time: null,
      closed_time: null,
    });
    expect(Date.parse(answer.body.created_time)).to.be.closeTo(Date.now(), 60_000);
  });

  it('reads its own write with ?min_position= as with the header', async () => {
    const { id, position } = await open();
    const answer = await call('GET', `/sessions/${id}?min_position=${position}`);
    expect(answer.status).to.equal(200);
    expect(answer.body.id).to.equal(id);
  });

  it('numbers messages of every role 1, 2, 3, ... and lists them in that order', async () => {
    const { id } = await open();
    const roles = ['user', 'assistant', 'system', 'tool'];
    let position = 0;
    for (const [i, role] of roles.entries()) {
      const answer = await call('POST', `/sessions/${id}/messages`, { role, content_text: `m${i}`, metadata_json: { i } });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      expect(answer.body.id).to.match(UUID);
      position = answer.body.position;
    }
    const messages = await call('GET', `/sessions/${id}/messages`, undefined, minPosition(position));
    expect(messages.status).to.equal(200);
    expect(messages.body.items.map((m: { seq_no: number; role: string; content_text: string; metadata_json: object }) => [
      m.seq_no, m.role, m.content_text, m.metadata_json,
    ])).to.deep.equal(roles.map((role, i) => [i + 1, role, `m${i}`, { i }]));
    expect((await call('GET', `/sessions/${id}`)).body.message_count).to.equal(4);
  });

  it('ends a messages page at about 4 MB of content, not only at limit, and next_cursor goes on after its last message', async () => {
    const { id } = await open();
    // Six messages of 900 kB: 500 such messages made one answer of about 450 MB.
    let position = 0;
    for (let i = 1; i <= 6; i++) {
      const answer = await call('POST', `/sessions/${id}/messages`, { role: 'user', content_text: String(i).repeat(900_000) });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      position = answer.body.position;
    }
    const pages: { items: { seq_no: number; content_text: string }[]; next_cursor: string | null }[] = [];
    for (let after = '0'; pages.length < 5; ) {
      const answer = await call('GET', `/sessions/${id}/messages?limit=100&after_seq=${after}`, undefined, minPosition(position));
      expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).to.equal(200);
      pages.push(answer.body);
      if (!answer.body.next_cursor) break;
      after = answer.body.next_cursor;
    }
    // The fifth message starts below 4 MiB (3.6 MB before it), the sixth would start at 4.5 MB.
    expect(pages.map((p) => p.items.map((m) => m.seq_no))).to.deep.equal([[1, 2, 3, 4, 5], [6]]);
    expect(pages.map((p) => p.next_cursor)).to.deep.equal(['5', null]);
    expect(pages.flatMap((p) => p.items).every((m) => m.content_text === String(m.seq_no).repeat(900_000))).to.equal(true);
    const small = await call('GET', `/sessions/${id}/messages?limit=2&after_seq=4`);
    expect(small.body.items.map((m: { seq_no: number }) => m.seq_no), 'limit still bounds the page').to.deep.equal([5, 6]);
    expect(small.body.next_cursor).to.equal(null);
  });

  it('closes a session with 202; an append to it is then refused with 409 SESSION_CLOSED and appends nothing', async () => {
    const { id } = await open();
    const closed = await call('POST', `/sessions/${id}/close`);
    expect(closed.status).to.equal(202);
    expect(closed.body).to.include({ id });
    const version = await streamVersion(id);
    expectProblem(await call('POST', `/sessions/${id}/messages`, { role: 'user', content_text: 'late' }), 409, 'SESSION_CLOSED');
    expectProblem(await call('POST', `/sessions/${id}/close`), 409, 'SESSION_CLOSED');
    expect(await streamVersion(id)).to.equal(version);
    const read = await call('GET', `/sessions/${id}`, undefined, minPosition(closed.body.position));
    expect(read.body).to.include({ status: 'closed' });
    expect(read.body.closed_time).to.be.a('string');
  });

  it('lists sessions filtered by user_id, app_id and status', async () => {
    const a = await open({ user_id: 'ann', app_id: 'crm' });
    const b = await open({ user_id: 'ann', app_id: 'helpdesk' });
    const c = await open({ user_id: 'bob', app_id: 'crm' });
    const { position } = (await call('POST', `/sessions/${b.id}/close`)).body;
    const ids = async (query: string) =>
      (await call('GET', `/sessions?${query}`, undefined, minPosition(position))).body.items.map((s: { id: string }) => s.id);
    expect(await ids('user_id=ann')).to.have.members([a.id, b.id]);
    expect(await ids('app_id=crm')).to.have.members([a.id, c.id]);
    expect(await ids('status=closed')).to.deep.equal([b.id]);
    expect(await ids('status=active&user_id=ann&app_id=crm')).to.deep.equal([a.id]);
    expect(await ids('user_id=nobody')).to.deep.equal([]);
  });

  it('pages newest first with limit and cursor: every session once, none missed', async () => {
    const created: string[] = [];
    let position = 0;
    for (let i = 0; i < 5; i++) ({ id: created[i], position } = await open());
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const query: string = `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const answer = await call('GET', `/sessions?${query}`, undefined, minPosition(position));
      expect(answer.status).to.equal(200);
      expect(answer.body.items.length).to.be.at.most(2);
      seen.push(...answer.body.items.map((s: { id: string }) => s.id));
      cursor = answer.body.next_cursor;
      if (!cursor) break;
    }
    expect(cursor).to.equal(null);
    expect(seen).to.deep.equal([...created].reverse());
  });

  it('answers 404 SESSION_NOT_FOUND for an id that was never opened', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expectProblem(await call('GET', `/sessions/${id}`), 404, 'SESSION_NOT_FOUND');
    expectProblem(await call('GET', `/sessions/${id}/messages`), 404, 'SESSION_NOT_FOUND');
    expectProblem(await call('POST', `/sessions/${id}/messages`, { role: 'user', content_text: 'hi' }), 404, 'SESSION_NOT_FOUND');
    expectProblem(await call('POST', `/sessions/${id}/close`), 404, 'SESSION_NOT_FOUND');
    expect(await eventCount()).to.equal(0);
  });

  it('treats a session id alike whatever the case of its hex digits', async () => {
    const { id } = await open();
    const upper = id.toUpperCase();
    expect((await call('POST', `/sessions/${upper}/messages`, { role: 'user', content_text: 'hi' })).status).to.equal(201);
    const read = await call('GET', `/sessions/${upper}`, undefined, minPosition((await call('POST', `/sessions/${upper}/close`)).body.position));
    expect(read.body).to.include({ id, message_count: 1, status: 'closed' });
  });

  it('answers 400 naming params.id for an id that is not a uuid', async () => {
    for (const [method, url] of [['GET', '/sessions/nope'], ['GET', '/sessions/nope/messages'], ['POST', '/sessions/nope/close']]) {
      const answer = await call(method!, url!);
      expectProblem(answer, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(answer)).to.include('params.id');
    }
  });

  it('refuses an invalid body with 400 problem+json naming each bad field, and appends nothing', async () => {
    const answer = await call('POST', '/sessions', { user_id: '', channel_type: 42, metadata_json: [] });
    expectProblem(answer, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(answer)).to.include.members(['body.app_id', 'body.user_id', 'body.channel_type', 'body.metadata_json']);
    const { id, position } = await open();
    const message = await call('POST', `/sessions/${id}/messages`, { role: 'robot', content_text: 'hi' });
    expectProblem(message, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(message)).to.deep.equal(['body.role']);
    expect(await eventCount(position)).to.equal(1);
  });

  it('refuses a body that is not JSON with 400 MALFORMED_JSON, and appends nothing', async () => {
    const answer = await server().request('POST', '/sessions', { raw: '{"app_id": ', headers: workspace() });
    expectProblem(answer, 400, 'MALFORMED_JSON');
    expect(await eventCount()).to.equal(0);
  });

  it('refuses a body of another media type with 415 UNSUPPORTED_MEDIA_TYPE, and appends nothing', async () => {
    const answer = await server().request('POST', '/sessions', {
      raw: 'app_id=app-1',
      headers: { ...workspace(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(answer, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await eventCount()).to.equal(0);
  });

  describe('Idempotency-Key', () => {
    it('a retry with the same key answers the first result, marked replayed, and opens one session', async () => {
      const key = { 'idempotency-key': 'retried' };
      const first = await call('POST', '/sessions', sessionBody(), key);
      const retry = await call('POST', '/sessions', sessionBody(), key);
      expect(first.status).to.equal(201);
      expect(first.headers.get('idempotent-replayed')).to.equal(null);
      expect(retry.status).to.equal(201);
      expect(retry.body).to.deep.equal(first.body);
      expect(retry.headers.get('idempotent-replayed')).to.equal('true');
      const list = await call('GET', '/sessions', undefined, minPosition(first.body.position));
      expect(list.body.items.map((s: { id: string }) => s.id)).to.deep.equal([first.body.id]);
    });

    it('the same key with a different body is refused with 422 IDEMPOTENCY_KEY_REUSED, appending nothing', async () => {
      const key = { 'idempotency-key': 'reused' };
      const first = await call('POST', '/sessions', sessionBody(), key);
      expect(first.status).to.equal(201);
      expectProblem(await call('POST', '/sessions', sessionBody({ title: 'other' }), key), 422, 'IDEMPOTENCY_KEY_REUSED');
      expect(await eventCount(first.body.position)).to.equal(1);
    });

    it('the same key in two workspaces opens two sessions: keys of tenants never meet', async () => {
      const key = { 'idempotency-key': 'shared-key' };
      const a = await call('POST', '/sessions', sessionBody(), key);
      const b = await call('POST', '/sessions', sessionBody(), { ...key, 'x-workspace-id': freshWorkspace() });
      expect([a.status, b.status]).to.deep.equal([201, 201]);
      expect(b.body.id).to.not.equal(a.body.id);
      expect(b.headers.get('idempotent-replayed')).to.equal(null);
    });
  });
});

// No projectors run, so the read model never reaches a new position and the bounded wait must end.
const WITHOUT_PROJECTORS = { roles: ['command-api', 'query-api'], env: { AGENT_PLATFORM_READ_YOUR_WRITES_TIMEOUT_MS: '300' } } as const;

describeOnPlatform('sessions: read-your-writes when the read model lags', (server) => {
  it('answers 503 PROJECTION_BEHIND with Retry-After once the bounded wait is over', async () => {
    const { body } = await server().request('POST', '/sessions', { body: sessionBody() });
    const answer = await server().request('GET', `/sessions/${body.id}`, { headers: { 'x-min-position': String(body.position) } });
    expectProblem(answer, 503, 'PROJECTION_BEHIND');
    expect(Number(answer.headers.get('retry-after'))).to.be.greaterThan(0);
  });

  it('refuses an x-min-position that is not a position with 400 naming the header', async () => {
    const answer = await server().request('GET', '/sessions', { headers: { 'x-min-position': 'abc' } });
    expectProblem(answer, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(answer)).to.deep.equal(['x-min-position']);
  });
}, WITHOUT_PROJECTORS);

// Projectors that let events gather for a second after each page, longer than a read waits for its writes.
const LONG_LINGER = { env: { AGENT_PLATFORM_PROJECTION_LINGER_MS: '1000', AGENT_PLATFORM_READ_YOUR_WRITES_TIMEOUT_MS: '800' } } as const;

describeOnPlatform('sessions: read-your-writes while projectors let events gather', (server) => {
  it('reads each write at once: a waiting read hurries the projectors of its process', async () => {
    for (let i = 0; i < 3; i++) {
      const { body } = await server().request('POST', '/sessions', { body: sessionBody() });
      const started = Date.now();
      const answer = await server().request('GET', `/sessions/${body.id}`, { headers: { 'x-min-position': String(body.position) } });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(Date.now() - started).to.be.below(500);
    }
  });
}, LONG_LINGER);

describe('sessions: the embedded default of `npm start`', function () {
  this.timeout(120_000);
  let dataDir: string;
  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'agent-platform-e2e-'));
    // mkdtemp makes the directory 0700; as root, PostgreSQL runs as the `postgres` user and must enter it.
    await fs.chmod(dataDir, 0o755);
  });
  after(async () => fs.rm(dataDir, { recursive: true, force: true }));

  it('keeps a session across a restart on the same data directory, with no database URL configured', async () => {
    // Exactly npm start's configuration: no AGENT_PLATFORM_DATABASE_URL, so the platform runs its own PostgreSQL.
    const env = { AGENT_PLATFORM_DATA_DIR: dataDir, AGENT_PLATFORM_EMBEDDED_DB_PORT: '0' };
    const first = await startServer(env);
    let opened: { id: string; position: number };
    try {
      opened = (await first.request('POST', '/sessions', { body: sessionBody({ title: 'survives restarts' }) })).body;
      expect((await first.request('GET', `/sessions/${opened.id}`, { headers: { 'x-min-position': String(opened.position) } })).status).to.equal(200);
    } finally {
      await first.stop();
    }
    const second = await startServer(env);
    try {
      const answer = await second.request('GET', `/sessions/${opened.id}`);
      expect(answer.status).to.equal(200);
      expect(answer.body).to.include({ id: opened.id, title: 'survives restarts', status: 'active' });
    } finally {
      await second.stop();
    }
  });

  it('starts on a data directory that only its owner may enter, as mkdtemp makes it', async () => {
    const privateDir = await fs.mkdtemp(path.join(dataDir, 'private-'));
    const server = await startServer({ AGENT_PLATFORM_DATA_DIR: privateDir, AGENT_PLATFORM_EMBEDDED_DB_PORT: '0' });
    await server.stop();
  });
});
