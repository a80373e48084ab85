import { expect } from 'chai';
import type { ChatMessage, ChatRequest, ToolDefinition } from '../port.js';
import { modelProviderContract } from '../provider.contract.js';
import { collectChunks } from '../stream.js';
import { countTokens, createLocalModelProvider, LOCAL_MODEL } from './localProvider.js';

const tool = (name: string, parameters?: Record<string, unknown>): ToolDefinition => ({ type: 'function', function: { name, parameters } });
const user = (content: string): ChatMessage => ({ role: 'user', content });
const JSON_PROMPT = [
  'You can use tools. Answer with one JSON object: {"action":"tool","tool_code":"<code>","input_json":{...}}',
  'or {"action":"finish","answer":"..."}.',
  'Tools:',
  '- lookup_order: Looks up an order. Input: {"type":"object","properties":{"order_id":{"type":"string"}},"required":["order_id"]}',
  '- cancel_order: Cancels an order.',
].join('\n');

describe('local model provider', () => {
  const provider = createLocalModelProvider({ now: () => 1_700_000_000_000 });
  const message = async (request: ChatRequest) => (await provider.chat(request)).choices[0]!;
  const text = async (request: ChatRequest) => (await message(request)).message.content!;

  describe('the ModelProvider contract', () => {
    modelProviderContract(async () => ({ provider: createLocalModelProvider() }), { deterministic: true });
  });

  describe('without tools', () => {
    it('echoes the last user message', async () => {
      expect(await text({ messages: [user('first'), { role: 'assistant', content: 'ok' }, user('second')] })).to.equal('You said: second');
    });

    it('greets when there is no user message', async () => {
      expect(await text({ messages: [{ role: 'system', content: 'Be nice.' }] })).to.equal('Hello from local-react.');
    });

    it('gives the same answer, id and usage to the same request', async () => {
      const request = { messages: [user('repeat after me')] };
      expect(await provider.chat(request)).to.deep.equal(await provider.chat(request));
    });

    it('cuts an answer longer than max_tokens and says so with finish_reason length', async () => {
      const choice = await message({ messages: [user('a long message that will not fit')], max_tokens: 2 });
      expect(choice).to.deep.include({ finish_reason: 'length' });
      expect(choice.message.content).to.equal('You said');
    });

    it('counts one token per four characters, rounded up', async () => {
      const request = { messages: [user('hello')] };
      const { usage } = await provider.chat(request);
      expect(usage).to.deep.equal({
        prompt_tokens: countTokens(JSON.stringify(request.messages)),
        completion_tokens: countTokens('You said: hello'),
        total_tokens: countTokens(JSON.stringify(request.messages)) + countTokens('You said: hello'),
      });
    });

    it('answers as the model the request names, local-react by default, and lists local-react', async () => {
      expect((await provider.chat({ messages: [user('x')] })).model).to.equal(LOCAL_MODEL);
      expect((await provider.chat({ model: 'gpt-4o', messages: [user('x')] })).model).to.equal('gpt-4o');
      expect((await provider.listModels()).map((m) => m.id)).to.deep.equal([LOCAL_MODEL]);
    });
  });

  describe('with native tools', () => {
    const parameters = {
      type: 'object',
      properties: {
        query: { type: 'string', maxLength: 12 },
        limit: { type: 'integer', minimum: 5 },
        exact: { type: 'boolean' },
        unit: { enum: ['c', 'f'] },
        tags: { type: 'array', items: { type: 'string' } },
        filter: { type: 'object', properties: { score: { type: 'number' } } },
      },
      required: ['query', 'ticket'],
    };

    it('calls the first tool with arguments made from its schema and the user words', async () => {
      const choice = await message({ messages: [user('Find the red shoes, please!')], tools: [tool('search', parameters), tool('other')] });
      expect(choice.finish_reason).to.equal('tool_calls');
      const call = choice.message.tool_calls![0]!;
      expect(call.function.name).to.equal('search');
      expect(JSON.parse(call.function.arguments)).to.deep.equal({
        query: 'Find the red',
        limit: 5,
        exact: true,
        unit: 'c',
        tags: ['Find the red shoes please'],
        filter: { score: 1 },
        ticket: 'Find the red shoes please',
      });
    });

    it('calls the tool tool_choice names, and no tool when tool_choice is none', async () => {
      const tools = [tool('first'), tool('second')];
      const named = await message({ messages: [user('hi')], tools, tool_choice: { type: 'function', function: { name: 'second' } } });
      expect(named.message.tool_calls![0]!.function).to.deep.equal({ name: 'second', arguments: '{}' });
      expect(await text({ messages: [user('hi')], tools, tool_choice: 'none' })).to.equal('You said: hi');
    });

    it('answers with the tool result once a tool message follows the last user message', async () => {
      const call = { id: 'call_1', type: 'function' as const, function: { name: 'search', arguments: '{}' } };
      const messages: ChatMessage[] = [user('find'), { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: 'call_1', content: '3 results' }];
      const choice = await message({ messages, tools: [tool('search')] });
      expect(choice).to.deep.include({ finish_reason: 'stop' });
      expect(choice.message.content).to.equal('The search tool returned: 3 results');
      expect(choice.message.tool_calls).to.equal(undefined);
    });

    it('calls the tool again for a new user message after an earlier tool round', async () => {
      const call = { id: 'call_1', type: 'function' as const, function: { name: 'search', arguments: '{}' } };
      const messages: ChatMessage[] = [user('find'), { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: 'call_1', content: 'x' }, user('again')];
      expect((await message({ messages, tools: [tool('search')] })).finish_reason).to.equal('tool_calls');
    });
  });

  describe('with the JSON-action protocol', () => {
    const system: ChatMessage = { role: 'system', content: JSON_PROMPT };

    it('asks for the first listed tool, with input that fits the schema on its line', async () => {
      const answer = JSON.parse(await text({ messages: [system, user('Where is order 123?')] }));
      expect(answer).to.deep.equal({ action: 'tool', tool_code: 'lookup_order', input_json: { order_id: 'Where is order 123' } });
    });

    it('finishes with the observation once the tool action was answered', async () => {
      const action = '{"action":"tool","tool_code":"lookup_order","input_json":{"order_id":"123"}}';
      const messages: ChatMessage[] = [system, user('Where is order 123?'), { role: 'assistant', content: action }, user('Observation: {"status":"shipped"}')];
      expect(JSON.parse(await text({ messages }))).to.deep.equal({ action: 'finish', answer: 'The lookup_order tool returned: {"status":"shipped"}' });
    });

    it('finishes when the last message is an observation, even without the assistant action before it', async () => {
      const answer = JSON.parse(await text({ messages: [system, user('q'), user('observation: 42')] }));
      expect(answer).to.deep.equal({ action: 'finish', answer: 'The lookup_order tool returned: 42' });
    });

    it('uses {"input": <words>} and the code `tool` when the prompt lists no tool', async () => {
      const answer = JSON.parse(await text({ messages: [{ role: 'system', content: 'Reply with {"action": ...}' }, user('hi there')] }));
      expect(answer).to.deep.equal({ action: 'tool', tool_code: 'tool', input_json: { input: 'hi there' } });
    });
  });

  describe('streaming', () => {
    it('sends the role, the text in three pieces, the finish reason, then the usage', async () => {
      const chunks = [];
      for await (const chunk of provider.chatStream({ messages: [user('one two three four five')] })) chunks.push(chunk);
      expect(chunks.map((c) => c.choices[0]?.delta.content ?? null)).to.deep.equal(['', 'You said: one ', 'two three four ', 'five', null, null]);
      expect(chunks.at(-2)!.choices[0]!.finish_reason).to.equal('stop');
      expect(chunks.at(-1)!.choices).to.deep.equal([]);
      expect((await collectChunks(chunks)).choices[0]!.message.content).to.equal('You said: one two three four five');
    });
  });
});
