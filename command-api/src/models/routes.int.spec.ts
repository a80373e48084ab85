import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createApi, createHttpApp, createLogger, createOpenAiProvider } from '@agent-platform/infra';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from '@agent-platform/infra/testing';
import { modelRoutes } from './routes.js';

/** The route's edge behaviour when the provider fails: the HTTP status, or an error event inside a stream. */
describe('POST /models/chat/completions when the provider fails', () => {
  let upstream: ScriptedOpenAiServer;
  let server: http.Server;
  let url: string;
  before(async () => {
    upstream = await startScriptedOpenAiServer();
    const api = createApi();
    modelRoutes(api, createOpenAiProvider({ baseURL: upstream.baseURL, apiKey: 'sk-secret-key', defaultModel: 'm', timeoutMs: 2000, maxRetries: 0 }));
    server = http.createServer(createHttpApp(createLogger('silent'), [api]));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await upstream?.close();
  });

  const post = (body: unknown) =>
    fetch(`${url}/models/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const ask = { messages: [{ role: 'user', content: 'hi' }] };
  const problemOf = async (response: Response) => {
    expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
    return (await response.json()) as { status: number; code: string; detail: string };
  };

  it('answers 503 problem+json when the provider is rate limited or down', async () => {
    upstream.enqueue({ status: 429, body: { error: { message: 'slow down' } } });
    const response = await post(ask);
    expect(response.status).to.equal(503);
    expect(await problemOf(response)).to.include({ code: 'PROVIDER_RATE_LIMITED' });
  });

  it('answers 422 problem+json when the provider refuses the request, without the key in it', async () => {
    upstream.enqueue({ status: 401, body: { error: { message: 'bad key sk-secret-key' } } });
    const response = await post(ask);
    expect(response.status).to.equal(422);
    const problem = await problemOf(response);
    expect(problem).to.include({ code: 'PROVIDER_UNAUTHORIZED' });
    expect(JSON.stringify(problem)).not.to.contain('sk-secret-key');
  });

  it('answers a stream that fails before its first chunk with problem+json, not with events', async () => {
    upstream.enqueue({ status: 500 });
    const response = await post({ ...ask, stream: true });
    expect(response.status).to.equal(503);
    expect(await problemOf(response)).to.include({ code: 'PROVIDER_UNAVAILABLE' });
  });

  it('ends a stream that fails midway with an error event and no [DONE]', async () => {
    const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] };
    upstream.enqueue({ events: [chunk, { error: { message: 'overloaded' } }] });
    const response = await post({ ...ask, stream: true });
    expect(response.status).to.equal(200);
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events).to.have.length(2);
    expect(JSON.parse(events[0]!.replace(/^data: /, '')).choices[0].delta.content).to.equal('Hel');
    expect(JSON.parse(events[1]!.replace(/^data: /, '')).error).to.include({ code: 'PROVIDER_UNAVAILABLE' });
  });

  it('forwards the request as OpenAI receives it, without the streaming switches of the client', async () => {
    upstream.requests.length = 0;
    await (await post({ ...ask, model: 'gpt-x', temperature: 0, max_tokens: 9 })).json();
    expect(upstream.requests[0]!.body).to.deep.equal({ ...ask, model: 'gpt-x', temperature: 0, max_tokens: 9, stream: false });
  });
});
