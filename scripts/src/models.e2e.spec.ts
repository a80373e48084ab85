import { expect } from 'chai';
import OpenAI, { BadRequestError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { describeOnPlatform, expectProblem, fieldsOf, freshWorkspace, wholeLog } from './testing/server.js';

const MODEL = 'local-react';
const tools: ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'lookup_order',
      description: 'Finds an order by its id.',
      parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
    },
  },
];

describeOnPlatform('model gateway: the official openai client against /gateway/models', (server) => {
  const client = () => new OpenAI({ baseURL: `${server().url}/gateway/models`, apiKey: 'unused', maxRetries: 0 });

  it('lists the models, at the client\'s path and at the seed\'s GET /models', async () => {
    expect((await client().models.list()).data.map((m) => m.id)).to.include(MODEL);
    const seedPath = await server().request('GET', '/models');
    expect(seedPath.status).to.equal(200);
    expect(seedPath.body).to.deep.include({ object: 'list' });
    expect(seedPath.body.data[0]).to.include({ id: MODEL, object: 'model' });
  });

  it('answers a chat completion without tools, with usage', async () => {
    const completion = await client().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hello there' }] });
    const [choice] = completion.choices;
    expect(choice!.message.content).to.equal('You said: Hello there');
    expect(choice!.finish_reason).to.equal('stop');
    expect(completion.usage!.total_tokens).to.equal(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
  });

  it('runs a ReAct step: a tool call when tools are offered, then a final answer from the tool message', async () => {
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Where is order 123?' }];
    const first = (await client().chat.completions.create({ model: MODEL, messages, tools })).choices[0]!;
    expect(first.finish_reason).to.equal('tool_calls');
    const call = first.message.tool_calls![0]!;
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).to.equal('lookup_order');
    expect(JSON.parse(call.function.arguments)).to.deep.equal({ order_id: 'Where is order 123' });

    const followUp: ChatCompletionMessageParam[] = [...messages, first.message, { role: 'tool', tool_call_id: call.id, content: '{"status":"shipped"}' }];
    const final = (await client().chat.completions.create({ model: MODEL, messages: followUp, tools })).choices[0]!;
    expect(final.finish_reason).to.equal('stop');
    expect(final.message.content).to.equal('The lookup_order tool returned: {"status":"shipped"}');
    expect(final.message.tool_calls ?? []).to.deep.equal([]);
  });

  it('streams a completion as Server-Sent Events, with the usage when asked for', async () => {
    const stream = await client().chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Stream this answer please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).to.be.greaterThan(3);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).to.equal('You said: Stream this answer please');
    expect(chunks.flatMap((c) => c.choices.map((choice) => choice.finish_reason)).filter(Boolean)).to.deep.equal(['stop']);
    expect(chunks.at(-1)!.usage!.total_tokens).to.be.greaterThan(0);
  });

  it('streams without a usage-only chunk when not asked, and ends the events with data: [DONE]', async () => {
    const answer = await server().request('POST', '/gateway/models/chat/completions', { body: { messages: [{ role: 'user', content: 'hi' }], stream: true } });
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('content-type')).to.match(/^text\/event-stream/);
    const events = (answer.body as string).split('\n\n').filter(Boolean);
    expect(events.at(-1)).to.equal('data: [DONE]');
    for (const event of events.slice(0, -1)) expect(JSON.parse(event.replace(/^data: /, '')).choices).to.have.length(1);
  });

  it('answers a bad body with 400 problem+json naming the field, which the client raises as BadRequestError', async () => {
    expectProblem(await server().request('POST', '/gateway/models/chat/completions', { body: { model: MODEL } }), 400, 'VALIDATION_FAILED');
    const badRole = await server().request('POST', '/models/chat/completions', { body: { messages: [{ role: 'user' }] } });
    expectProblem(badRole, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(badRole)).to.include('body.messages.0.content');
    const error = await client()
      .chat.completions.create({ model: MODEL, messages: [] })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(BadRequestError);
  });

  it('refuses a model name of 1 MB or of stray characters, and max_tokens 1e15, with 400 naming the field', async () => {
    const ask = (extra: Record<string, unknown>) =>
      server().request('POST', '/models/chat/completions', { body: { messages: [{ role: 'user', content: 'hi' }], ...extra } });
    for (const [extra, field] of [
      [{ model: 'm'.repeat(1_000_000) }, 'body.model'],
      [{ model: 'm'.repeat(201) }, 'body.model'],
      [{ model: 'gpt-4o\r\nx-injected: 1' }, 'body.model'],
      [{ model: '../etc/passwd' }, 'body.model'],
      [{ max_tokens: 1e15 }, 'body.max_tokens'],
      [{ max_tokens: 1_000_001 }, 'body.max_tokens'],
      [{ max_tokens: 1.5 }, 'body.max_tokens'],
    ] as const) {
      const answer = await ask(extra);
      expectProblem(answer, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(answer), JSON.stringify(extra).slice(0, 80)).to.deep.equal([field]);
      expect(JSON.stringify(answer.body).length, 'the problem does not echo the name').to.be.below(2_000);
    }
    for (const model of [MODEL, 'ft:gpt-4o-mini:org::abc123', 'meta-llama/Llama-3.1-8B-Instruct', 'llama3.1:8b']) {
      expect((await ask({ model, max_tokens: 1_000_000 })).status, model).to.be.oneOf([200, 404, 422]);
    }
  });

  it('appends no events', async () => {
    const ws = { 'x-workspace-id': freshWorkspace() };
    const answer = await server().request('POST', '/models/chat/completions', { headers: ws, body: { messages: [{ role: 'user', content: 'hi' }] } });
    expect(answer.status).to.equal(200);
    expect(await wholeLog((path) => server().request('GET', path, { headers: ws }))).to.deep.equal([]);
  });

  it('is in the OpenAPI document, with the streamed answer as text/event-stream', async () => {
    const doc = (await server().request('GET', '/openapi.json')).body;
    const chat = doc.paths['/models/chat/completions'].post;
    expect(Object.keys(chat.responses['200'].content)).to.have.members(['application/json', 'text/event-stream']);
    expect(chat.responses).to.include.keys('400', '422', '503');
    expect(doc.paths['/models'].get.responses['200']).to.have.property('content');
    expect(doc.paths['/models/models'].get.responses['200']).to.have.property('content');
  });
});
