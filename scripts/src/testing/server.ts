import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createLogger, loadConfig } from '@agent-platform/infra';
import { describeOnEachPostgres } from '@agent-platform/infra/testing';
import { startPlatform, type Platform, type Role } from '../platform.js';

/**
 * What one HTTP exchange gave back; `body` is the parsed JSON, if any. It is `any` on purpose: the
 * specs read it as the API documents it, and chai checks every field they rely on.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Answer = { status: number; headers: Headers; body: any };

export type RequestOptions = { body?: unknown; raw?: string; headers?: Record<string, string> };

export type TestServer = {
  url: string;
  request: (method: string, path: string, options?: RequestOptions) => Promise<Answer>;
  stop: () => Promise<void>;
};

/** `env` may be a function, read when the platform starts: for values known only then, such as a test server's port. */
export type ServerOptions = { roles?: readonly Role[]; env?: Record<string, string> | (() => Record<string, string>) };

/** Quiet, on a free port of the loopback interface, so parallel suites never collide. */
export const TEST_ENV = { AGENT_PLATFORM_PORT: '0', AGENT_PLATFORM_HOST: '127.0.0.1', AGENT_PLATFORM_LOG_LEVEL: 'silent' };

export const send = async (url: string, method: string, path: string, options: RequestOptions = {}): Promise<Answer> => {
  const headers: Record<string, string> = { ...options.headers };
  const body = options.body !== undefined ? JSON.stringify(options.body) : options.raw;
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  const json = /json/.test(response.headers.get('content-type') ?? '');
  return { status: response.status, headers: response.headers, body: text ? (json ? JSON.parse(text) : text) : undefined };
};

/** Starts the platform as `npm start` would, from configuration only; `env` overrides the test defaults. */
export const startServer = async (env: Record<string, string>, roles?: readonly Role[]): Promise<TestServer & { platform: Platform }> => {
  const platform = await startPlatform(loadConfig({ ...TEST_ENV, ...env }), createLogger('silent'), roles);
  if (!platform.url) throw new Error('the platform serves no HTTP with these roles');
  const { url } = platform;
  return { url, platform, request: (method, path, options) => send(url, method, path, options), stop: platform.stop };
};

/**
 * Declares `body` once per PostgreSQL target (`describeOnEachPostgres`), with the platform started over
 * that target's fresh database before the tests and stopped after them. The platform lives in a nested
 * suite so that it stops before the outer suite drops its database: dropping first kills live connections.
 */
export const describeOnPlatform = (
  title: string,
  /** `databaseUrl`: the platform's database, for a spec that also reads or writes it directly. */
  body: (server: () => TestServer, databaseUrl: () => string) => void,
  options: ServerOptions = {},
): void =>
  describeOnEachPostgres(title, ({ db }) => {
    describe(`the platform with ${options.roles ? options.roles.join(' + ') : 'every role'}`, () => {
      let server: TestServer | undefined;
      before(async () => {
        const env = typeof options.env === 'function' ? options.env() : options.env;
        server = await startServer({ AGENT_PLATFORM_DATABASE_URL: db().url, ...env }, options.roles);
      });
      after(async () => server?.stop());
      body(
        () => {
          if (!server) throw new Error('the platform is not started');
          return server;
        },
        () => db().url,
      );
    });
  });

/** A workspace of its own, so a test's counts and lists see only what the test wrote. */
export const freshWorkspace = (): string => `ws-${randomBytes(6).toString('hex')}`;

/** Read your writes: the query waits until the read models have applied the event at `position`. */
export const minPosition = (position: number) => ({ 'x-min-position': String(position) });

/**
 * Requests in a workspace of the running test's own, a fresh one before each test. `ok` sends a command
 * and expects it answered with one of `accepted`; it answers the body.
 */
export const workspaceClient = (server: () => TestServer, accepted: readonly number[] = [201, 202]) => {
  let workspace: Record<string, string> = {};
  beforeEach(() => {
    workspace = { 'x-workspace-id': freshWorkspace() };
  });
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    server().request(method, path, { body, headers: { ...workspace, ...headers } });
  const ok = async (method: string, path: string, body?: unknown) => {
    const answer = await call(method, path, body);
    expect(answer.status, JSON.stringify(answer.body)).to.be.oneOf([...accepted]);
    return answer.body;
  };
  /** The running test's workspace header. */
  return { call, ok, headers: () => workspace };
};

export const sessionBody = (overrides: Record<string, unknown> = {}) => ({
  app_id: 'app-1',
  user_id: 'user-1',
  channel_type: 'web',
  title: 'Support chat',
  metadata_json: { locale: 'en' },
  ...overrides,
});

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An RFC 9457 answer: the status, the problem media type, and the stable code (never the wording). */
export const expectProblem = (answer: Answer, status: number, code: string): void => {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(answer.body).to.include({ status, code });
};

/** The fields a validation problem names, e.g. `body.app_id`. */
export const fieldsOf = (answer: Answer): string[] => answer.body.errors.map((e: { field: string }) => e.field);

/** Retries `assertion` until it passes, for what follows a command asynchronously (a processor's reaction). */
export const eventually = async <T>(assertion: () => Promise<T>, ms = 10_000): Promise<T> => {
  for (const deadline = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 25))) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
};

/**
 * Every event of the workspace `get` asks as, through `GET /events` page by page: one request reads at
 * most 1,000 events of the log, so a single page says nothing about the rest.
 */
export const wholeLog = async (get: (path: string) => Promise<Answer>): Promise<Record<string, unknown>[]> => {
  const events: Record<string, unknown>[] = [];
  for (let after = 0; ; ) {
    const answer = await get(`/events?limit=1000&after=${after}`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    events.push(...answer.body.items);
    if (answer.body.next_after === after) return events;
    after = answer.body.next_after;
  }
};
