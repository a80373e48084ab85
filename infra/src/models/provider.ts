import type { Config } from '../config.js';
import { createLocalModelProvider } from './local/localProvider.js';
import { createOpenAiProvider } from './openai/openAiProvider.js';
import type { ModelProvider } from './port.js';

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export type ModelProviderConfig = Pick<
  Config,
  | 'AGENT_PLATFORM_PROVIDER_BASE_URL'
  | 'AGENT_PLATFORM_PROVIDER_API_KEY'
  | 'AGENT_PLATFORM_DEFAULT_MODEL'
  | 'AGENT_PLATFORM_PROVIDER_TIMEOUT_MS'
  | 'AGENT_PLATFORM_PROVIDER_MAX_RETRIES'
>;

/**
 * The provider the configuration asks for: an OpenAI-compatible server when a base URL or a key is set
 * (a key alone means OpenAI itself; a base URL alone suits keyless servers such as Ollama), else the
 * deterministic local provider, so that `npm start` and the tests never need a key.
 */
export const createModelProvider = (config: ModelProviderConfig): ModelProvider => {
  const baseURL = config.AGENT_PLATFORM_PROVIDER_BASE_URL;
  const apiKey = config.AGENT_PLATFORM_PROVIDER_API_KEY;
  if (!baseURL && !apiKey) return createLocalModelProvider({ defaultModel: config.AGENT_PLATFORM_DEFAULT_MODEL });
  return createOpenAiProvider({
    baseURL: baseURL ?? OPENAI_BASE_URL,
    ...(apiKey ? { apiKey } : {}),
    defaultModel: config.AGENT_PLATFORM_DEFAULT_MODEL,
    timeoutMs: config.AGENT_PLATFORM_PROVIDER_TIMEOUT_MS,
    maxRetries: config.AGENT_PLATFORM_PROVIDER_MAX_RETRIES,
  });
};
