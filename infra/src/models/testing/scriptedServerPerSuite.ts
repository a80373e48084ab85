import { expect } from 'chai';
import { ProviderError } from '../errors.js';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from './scriptedOpenAiServer.js';

/**
 * One scripted OpenAI-compatible server for the suite it is called in: started before it, closed after,
 * its recorded requests cleared before each test, and every scripted reply expected used after each. The
 * answer stands for the server the suite's hooks start (a stand-in, since `describe` runs before them).
 */
export const scriptedServerPerSuite = (): ScriptedOpenAiServer => {
  let current: ScriptedOpenAiServer | undefined;
  before(async () => {
    current = await startScriptedOpenAiServer();
  });
  after(async () => current?.close());
  beforeEach(() => {
    if (current) current.requests.length = 0;
  });
  afterEach(() => expect(current?.pending(), 'every scripted reply was used').to.equal(0));
  return new Proxy({} as ScriptedOpenAiServer, {
    get: (_, key) => {
      if (!current) throw new Error('the scripted server starts in the suite’s before hook');
      const value: unknown = Reflect.get(current, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
  });
};

/** A provider's error answer; `retry-after-ms` asks the client to retry after 10 ms instead of its default backoff of half a second and more. */
export const failingReply = (status: number, headers: Record<string, string> = { 'retry-after-ms': '10' }) => ({
  status,
  headers,
  body: { error: { message: `status ${status}` } },
});

/** The `ProviderError` a call failed with (the spec fails if it did not fail with one). */
export const providerFailureOf = async (promise: Promise<unknown>): Promise<ProviderError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(ProviderError);
  return error as ProviderError;
};
