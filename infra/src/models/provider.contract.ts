import { expect } from 'chai';
import { ChatChunk, ChatResponse, ModelInfo, type ChatRequest, type ModelProvider, type ToolDefinition } from './port.js';
import { collectChunks } from './stream.js';

export type ModelProviderFixture = {
  provider: ModelProvider;
  teardown?: () => Promise<void>;
};
/** `deterministic`: the same request gets the same answer (the local provider, or a server answering with it). */
export type ModelProviderContractOptions = { deterministic?: boolean };
export type ModelProviderFactory = () => Promise<ModelProviderFixture>;

const WEATHER: ToolDefinition = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The forecast for a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } }, required: ['city'] },
  },
};
const ask = (text: string): ChatRequest => ({
  messages: [
    { role: 'system', content: 'You are a terse assistant.' },
    { role: 'user', content: text },
  ],
});
const withTool: ChatRequest = { ...ask('What is the weather in Paris?'), tools: [WEATHER], tool_choice: 'required' };

/**
 * The behaviour every ModelProvider adapter must show; run it once per adapter. It asks only what any
 * chat model honours (a forced tool choice is obeyed, a tool result leads to an answer), so it can also
 * run against a real server.
 */
export const modelProviderContract = (factory: ModelProviderFactory, options: ModelProviderContractOptions = {}): void => {
  let fixture: ModelProviderFixture;
  let provider: ModelProvider;
  before(async () => {
    fixture = await factory();
    provider = fixture.provider;
  });
  after(async () => fixture?.teardown?.());

  describe('listModels', () => {
    it("lists models in OpenAI's shape, the default model among them", async () => {
      const models = await provider.listModels();
      for (const model of models) ModelInfo.parse(model);
      expect(models.map((m) => m.id)).to.include(provider.defaultModel);
    });
  });

  describe('chat without tools', () => {
    it('answers with assistant text and finish_reason stop', async () => {
      const response = ChatResponse.parse(await provider.chat(ask('Say hello.')));
      const [choice] = response.choices;
      expect(choice!.finish_reason).to.equal('stop');
      expect(choice!.message.content).to.be.a('string').and.not.equal('');
      expect(choice!.message.tool_calls ?? []).to.deep.equal([]);
    });

    it('counts tokens: total = prompt + completion', async () => {
      const { usage } = await provider.chat(ask('Count my tokens.'));
      expect(usage!.prompt_tokens).to.be.greaterThan(0);
      expect(usage!.completion_tokens).to.be.greaterThan(0);
      expect(usage!.total_tokens).to.equal(usage!.prompt_tokens + usage!.completion_tokens);
    });

    it('answers with the default model when the request names none, and with the named one otherwise', async () => {
      expect((await provider.chat(ask('Hi.'))).model).to.equal(provider.defaultModel);
      expect((await provider.chat({ ...ask('Hi.'), model: provider.defaultModel })).model).to.equal(provider.defaultModel);
    });
  });

  describe('chat with tools (one ReAct step)', () => {
    it('calls an offered tool with JSON arguments that fit its schema when a tool call is required', async () => {
      const response = ChatResponse.parse(await provider.chat(withTool));
      const [choice] = response.choices;
      expect(choice!.finish_reason).to.equal('tool_calls');
      const [call] = choice!.message.tool_calls!;
      expect(call!.type).to.equal('function');
      expect(call!.id).to.be.a('string').and.not.equal('');
      expect(call!.function.name).to.equal('get_weather');
      expect(JSON.parse(call!.function.arguments)).to.be.an('object').that.has.property('city').that.is.a('string');
    });

    it('answers with text once the tool result is in the messages', async () => {
      const call = (await provider.chat(withTool)).choices[0]!.message.tool_calls![0]!;
      const response = await provider.chat({
        ...withTool,
        tool_choice: 'auto',
        messages: [
          ...withTool.messages,
          { role: 'assistant', content: null, tool_calls: [call] },
          { role: 'tool', tool_call_id: call.id, content: '{"forecast":"sunny, 24 °C"}' },
        ],
      });
      const [choice] = ChatResponse.parse(response).choices;
      expect(choice!.finish_reason).to.equal('stop');
      expect(choice!.message.content).to.be.a('string').and.not.equal('');
      expect(choice!.message.tool_calls ?? []).to.deep.equal([]);
    });
  });

  describe('chatStream', () => {
    const chunks = async (request: ChatRequest): Promise<ChatChunk[]> => {
      const out: ChatChunk[] = [];
      for await (const chunk of provider.chatStream(request)) out.push(ChatChunk.parse(chunk));
      return out;
    };

    it('streams text in several chunks that add up to an answer with finish_reason stop and usage', async () => {
      const streamed = await chunks(ask('Tell me a short story about a robot.'));
      expect(streamed.length).to.be.greaterThan(2);
      const response = await collectChunks(streamed);
      expect(response.choices[0]!.finish_reason).to.equal('stop');
      expect(response.choices[0]!.message.content).to.be.a('string').and.not.equal('');
      expect(response.usage!.total_tokens).to.equal(response.usage!.prompt_tokens + response.usage!.completion_tokens);
    });

    it('streams a tool call whose pieces add up to a name and JSON arguments', async () => {
      const response = await collectChunks(await chunks(withTool));
      expect(response.choices[0]!.finish_reason).to.equal('tool_calls');
      const [call] = response.choices[0]!.message.tool_calls!;
      expect(call!.function.name).to.equal('get_weather');
      expect(JSON.parse(call!.function.arguments)).to.have.property('city');
    });

    // Declared only where it can hold: a model that samples answers differently each time cannot pass it.
    if (options.deterministic) {
      it('streams the same answer as chat gives', async () => {
        for (const request of [ask('Same answer twice?'), withTool]) {
          const streamed = (await collectChunks(provider.chatStream(request))).choices[0];
          const whole = (await provider.chat(request)).choices[0];
          expect(streamed).to.deep.equal(whole);
        }
      });
    }
  });
};
