import { expect } from 'chai';
import { APIError, APIUserAbortError } from 'openai';
import { LOCAL_MODEL } from '../local/localProvider.js';
import type { ChatChunk, ChatMessage, ToolDefinition } from '../port.js';
import { modelProviderContract } from '../provider.contract.js';
import { collectChunks } from '../stream.js';
import { failingReply, providerFailureOf, scriptedServerPerSuite } from '../testing/scriptedServerPerSuite.js';
import { startScriptedOpenAiServer } from '../testing/scriptedOpenAiServer.js';
import { createOpenAiProvider, type OpenAiProviderOptions } from './openAiProvider.js';

const KEY = 'sk-test-0123456789abcdef';
const messages: ChatMessage[] = [{ role: 'user', content: 'Weather in Oslo?' }];
const tools: ToolDefinition[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];


describe('OpenAI-compatible model provider (official openai client)', () => {
  describe('the ModelProvider contract, against a scripted OpenAI-compatible server', () => {
    modelProviderContract(async () => {
      const server = await startScriptedOpenAiServer();
      const provider = createOpenAiProvider({ baseURL: server.baseURL, apiKey: KEY, defaultModel: LOCAL_MODEL, timeoutMs: 5000, maxRetries: 0 });
      return { provider, teardown: server.close };
    }, { deterministic: true });
  });

  describe('against a scripted server', () => {
    const server = scriptedServerPerSuite();
    const provider = (options: Partial<OpenAiProviderOptions> = {}) =>
      createOpenAiProvider({ baseURL: server.baseURL, apiKey: KEY, defaultModel: 'gpt-4o-mini', timeoutMs: 2000, maxRetries: 2, ...options });

    it('posts the request in OpenAI shape to /chat/completions, with the default model and the key as a bearer token', async () => {
      await provider().chat({ messages, tools, tool_choice: 'auto', temperature: 0.2, max_tokens: 50 });
      const [request] = server.requests;
      expect(request).to.deep.include({ method: 'POST', path: '/v1/chat/completions' });
      expect(request!.headers.authorization).to.equal(`Bearer ${KEY}`);
      expect(request!.body).to.deep.equal({ model: 'gpt-4o-mini', messages, tools, tool_choice: 'auto', temperature: 0.2, max_tokens: 50, stream: false });
    });

    it('asks a stream for its usage (stream_options.include_usage)', async () => {
      await collectChunks(provider().chatStream({ model: 'm', messages }));
      expect(server.requests[0]!.body).to.deep.include({ model: 'm', stream: true, stream_options: { include_usage: true } });
    });

    it('passes the server\'s tool call and usage through unchanged', async () => {
      const call = { id: 'call_9', type: 'function' as const, function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } };
      server.enqueue({ message: { content: null, tool_calls: [call] }, usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } });
      const response = await provider().chat({ messages, tools });
      expect(response.choices[0]).to.deep.equal({ index: 0, message: { role: 'assistant', content: null, tool_calls: [call] }, finish_reason: 'tool_calls' });
      expect(response.usage).to.deep.equal({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
    });

    it('lists the models of GET /models', async () => {
      expect((await provider().listModels()).map((m) => m.id)).to.deep.equal([LOCAL_MODEL]);
      expect(server.requests[0]).to.deep.include({ method: 'GET', path: '/v1/models' });
    });

    it('retries a 429 and a 500 (the client backs off), then answers', async () => {
      server.enqueue(failingReply(429), failingReply(500));
      const response = await provider({ maxRetries: 2 }).chat({ messages });
      expect(response.choices[0]!.finish_reason).to.equal('stop');
      expect(server.requests).to.have.length(3);
    });

    it('retries a stream that failed before its first byte', async () => {
      server.enqueue(failingReply(503));
      const response = await collectChunks(provider({ maxRetries: 1 }).chatStream({ messages }));
      expect(response.choices[0]!.message.content).to.equal('You said: Weather in Oslo?');
      expect(server.requests).to.have.length(2);
    });

    it('gives up after maxRetries with ProviderError unavailable (THIRD_PARTY), keeping the client error as cause', async () => {
      server.enqueue(failingReply(503), failingReply(503), failingReply(503));
      const error = await providerFailureOf(provider({ maxRetries: 2 }).chat({ messages }));
      expect(error).to.include({ code: 'PROVIDER_UNAVAILABLE', kind: 'unavailable', category: 'THIRD_PARTY', status: 503 });
      expect(error.cause).to.be.instanceOf(APIError);
      expect(server.requests).to.have.length(3);
    });

    it('reports a rate limit that outlasts the retries as PROVIDER_RATE_LIMITED', async () => {
      server.enqueue(failingReply(429));
      expect(await providerFailureOf(provider({ maxRetries: 0 }).chat({ messages }))).to.include({ code: 'PROVIDER_RATE_LIMITED', kind: 'unavailable' });
    });

    it('does not retry a 400: ProviderError unprocessable', async () => {
      server.enqueue(failingReply(400));
      const error = await providerFailureOf(provider({ maxRetries: 2 }).chat({ messages }));
      expect(error).to.include({ code: 'PROVIDER_REJECTED', kind: 'unprocessable', category: 'THIRD_PARTY', status: 400 });
      expect(server.requests).to.have.length(1);
    });

    it('never repeats the API key in an error, even when the server echoes it (401)', async () => {
      server.enqueue({ status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}` } } });
      const error = await providerFailureOf(provider().chat({ messages }));
      expect(error).to.include({ code: 'PROVIDER_UNAUTHORIZED', kind: 'unprocessable' });
      const cause = error.cause as APIError;
      for (const text of [error.message, cause.message, JSON.stringify(cause.error), JSON.stringify(error)]) expect(text).not.to.contain(KEY);
    });

    it('abandons an attempt that hangs after timeoutMs and retries it', async () => {
      server.enqueue({ hang: true });
      const response = await provider({ timeoutMs: 200, maxRetries: 1 }).chat({ messages });
      expect(response.choices[0]!.finish_reason).to.equal('stop');
      expect(server.requests).to.have.length(2);
    });

    it('reports PROVIDER_TIMEOUT when every attempt hangs', async () => {
      server.enqueue({ hang: true }, { hang: true });
      const started = Date.now();
      expect(await providerFailureOf(provider({ timeoutMs: 150, maxRetries: 1 }).chat({ messages }))).to.include({ code: 'PROVIDER_TIMEOUT', kind: 'unavailable' });
      expect(Date.now() - started).to.be.lessThan(5000);
    });

    it('cuts a stream that stalls between chunks for longer than timeoutMs, with PROVIDER_TIMEOUT', async () => {
      const chunk: ChatChunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] };
      server.enqueue({ events: [chunk], stall: true });
      const error = await providerFailureOf(collectChunks(provider({ timeoutMs: 150, maxRetries: 0 }).chatStream({ messages })));
      expect(error).to.include({ code: 'PROVIDER_TIMEOUT', kind: 'unavailable' });
    });

    it('does not count the time the consumer holds a chunk as a stall', async () => {
      const received: ChatChunk[] = [];
      for await (const chunk of provider({ timeoutMs: 100 }).chatStream({ messages })) {
        received.push(chunk);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      expect((await collectChunks(received)).choices[0]!.finish_reason).to.equal('stop');
    });

    it('reports PROVIDER_UNREACHABLE when nothing listens', async () => {
      const nobody = createOpenAiProvider({ baseURL: 'http://127.0.0.1:1/v1', apiKey: KEY, defaultModel: 'm', timeoutMs: 2000, maxRetries: 0 });
      expect(await providerFailureOf(nobody.chat({ messages }))).to.include({ code: 'PROVIDER_UNREACHABLE', kind: 'unavailable' });
    });

    it('ends a stream with ProviderError when the server sends an error event mid-way', async () => {
      const chunk: ChatChunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] };
      server.enqueue({ events: [chunk, { error: { message: 'overloaded' } }] });
      const received: ChatChunk[] = [];
      const error = await providerFailureOf(
        (async () => {
          for await (const c of provider().chatStream({ messages })) received.push(c);
        })(),
      );
      expect(received.map((c) => c.choices[0]!.delta.content)).to.deep.equal(['Hel']);
      expect(error).to.include({ code: 'PROVIDER_UNAVAILABLE', kind: 'unavailable' });
    });

    it('lets the caller cancel: an abort is passed on as such, not as a provider failure', async () => {
      server.enqueue({ hang: true });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const error = await provider().chat({ messages }, { signal: controller.signal }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(APIUserAbortError);
    });
  });
});
