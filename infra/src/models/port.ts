import { z } from 'zod';

/*
 * The model provider port, in the shape of OpenAI's chat-completions API: it is the lingua franca that
 * OpenAI, Ollama, vLLM and most gateways speak, so requests pass through unchanged and the platform's own
 * HTTP route (`POST /models/chat/completions`) can be called by the official client. The schemas validate
 * HTTP bodies; the types come from them.
 */

const Count = z.number().int().min(0);

/** Message text: a string, or OpenAI's array of text parts (other part types, such as images, are refused). */
export const MessageContent = z.union([z.string(), z.array(z.object({ type: z.literal('text'), text: z.string() }))]);
export type MessageContent = z.infer<typeof MessageContent>;

/** A call the model asks for; `arguments` is a JSON object encoded as a string, as OpenAI sends it. */
export const ToolCall = z
  .object({
    id: z.string().min(1),
    type: z.literal('function'),
    function: z.object({ name: z.string().min(1), arguments: z.string() }),
  })
  .meta({ id: 'ToolCall' });
export type ToolCall = z.infer<typeof ToolCall>;

export const ChatMessage = z
  .discriminatedUnion('role', [
    z.object({ role: z.literal('system'), content: MessageContent, name: z.string().optional() }),
    z.object({ role: z.literal('user'), content: MessageContent, name: z.string().optional() }),
    z.object({
      role: z.literal('assistant'),
      content: MessageContent.nullable().optional(),
      tool_calls: z.array(ToolCall).optional(),
      name: z.string().optional(),
    }),
    z.object({ role: z.literal('tool'), content: MessageContent, tool_call_id: z.string().min(1) }),
  ])
  .meta({ id: 'ChatMessage' });
export type ChatMessage = z.infer<typeof ChatMessage>;

/** A function the model may call; `parameters` is the JSON Schema of its arguments. */
export const ToolDefinition = z
  .object({
    type: z.literal('function'),
    function: z.object({
      name: z.string().min(1).max(200),
      description: z.string().optional(),
      parameters: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
    }),
  })
  .meta({ id: 'ToolDefinition' });
export type ToolDefinition = z.infer<typeof ToolDefinition>;

export const ToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
]);
export type ToolChoice = z.infer<typeof ToolChoice>;

/**
 * A model's name as providers spell them (`gpt-4o-mini`, `ft:gpt-4o:org::id`, `llama3.1:8b`,
 * `meta-llama/Llama-3-8B-Instruct`, `claude@2024`): the gateway echoes it, and a 1 MB name was echoed.
 */
const ModelId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/, 'must be letters, digits and . _ : / @ + -, starting with a letter or digit');

/** Above any model's output window; 1e15 was accepted and handed to the provider. */
const MAX_TOKENS = 1_000_000;

/** `model` may be left out: the provider then uses its default model (`AGENT_PLATFORM_DEFAULT_MODEL`). */
export const ChatRequest = z
  .object({
    model: ModelId.optional(),
    messages: z.array(ChatMessage).min(1),
    tools: z.array(ToolDefinition).optional(),
    tool_choice: ToolChoice.optional(),
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().min(0).max(1).optional(),
    max_tokens: z.number().int().positive().max(MAX_TOKENS).optional(),
    stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
  })
  .meta({ id: 'ChatCompletionRequest' });
export type ChatRequest = z.infer<typeof ChatRequest>;

export const FinishReason = z.enum(['stop', 'length', 'tool_calls', 'content_filter']);
export type FinishReason = z.infer<typeof FinishReason>;

export const Usage = z
  .object({ prompt_tokens: Count, completion_tokens: Count, total_tokens: Count })
  .meta({ id: 'Usage' });
export type Usage = z.infer<typeof Usage>;

export const AssistantMessage = z.object({
  role: z.literal('assistant'),
  content: z.string().nullable(),
  tool_calls: z.array(ToolCall).optional(),
});
export type AssistantMessage = z.infer<typeof AssistantMessage>;

/** `usage` is optional because some OpenAI-compatible servers leave it out; the platform never invents it. */
export const ChatResponse = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: Count,
    model: z.string(),
    choices: z.array(z.object({ index: Count, message: AssistantMessage, finish_reason: FinishReason })).min(1),
    usage: Usage.optional(),
  })
  .meta({ id: 'ChatCompletion' });
export type ChatResponse = z.infer<typeof ChatResponse>;

/** A piece of a tool call in a stream: the first piece of call `index` names it, later ones add argument text. */
export const ToolCallDelta = z.object({
  index: Count,
  id: z.string().optional(),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
});
export type ToolCallDelta = z.infer<typeof ToolCallDelta>;

/** One Server-Sent Event of a streamed completion; a chunk with no choices may carry the usage at the end. */
export const ChatChunk = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion.chunk'),
    created: Count,
    model: z.string(),
    choices: z.array(
      z.object({
        index: Count,
        delta: z.object({
          role: z.literal('assistant').optional(),
          content: z.string().nullable().optional(),
          tool_calls: z.array(ToolCallDelta).optional(),
        }),
        finish_reason: FinishReason.nullable(),
      }),
    ),
    usage: Usage.nullable().optional(),
  })
  .meta({ id: 'ChatCompletionChunk' });
export type ChatChunk = z.infer<typeof ChatChunk>;

export const ModelInfo = z
  .object({ id: z.string(), object: z.literal('model'), created: Count, owned_by: z.string() })
  .meta({ id: 'Model' });
export type ModelInfo = z.infer<typeof ModelInfo>;

export const ModelList = z.object({ object: z.literal('list'), data: z.array(ModelInfo) }).meta({ id: 'ModelList' });
export type ModelList = z.infer<typeof ModelList>;

export type CallOptions = { signal?: AbortSignal };

/**
 * What the platform needs from a language model. Adapters throw `ProviderError` for every failure of the
 * provider, so callers (the agent runtime, the HTTP edge) handle one error class.
 */
export type ModelProvider = {
  /** `local` or `openai-compatible`; reported, never used to branch on. */
  readonly name: string;
  /** The model used when a request names none. */
  readonly defaultModel: string;
  listModels: (options?: CallOptions) => Promise<ModelInfo[]>;
  chat: (request: ChatRequest, options?: CallOptions) => Promise<ChatResponse>;
  /** Failures before the first chunk reject the first `next()`, so a caller can still answer with an error. */
  chatStream: (request: ChatRequest, options?: CallOptions) => AsyncIterable<ChatChunk>;
};

/** The text of a message's content, with text parts joined. */
export const textOf = (content: MessageContent | null | undefined): string =>
  content == null ? '' : typeof content === 'string' ? content : content.map((part) => part.text).join('');
