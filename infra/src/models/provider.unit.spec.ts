import { expect } from 'chai';
import { ConfigError, loadConfig } from '../config.js';
import { createModelProvider } from './provider.js';

describe('choosing the model provider from the configuration', () => {
  it('runs the local provider with local-react when neither a base URL nor a key is set, so no key is needed', () => {
    const config = loadConfig({});
    expect(config.AGENT_PLATFORM_DEFAULT_MODEL).to.equal('local-react');
    expect(createModelProvider(config)).to.include({ name: 'local', defaultModel: 'local-react' });
  });

  it('talks to an OpenAI-compatible server with gpt-4o-mini when a base URL is set (keyless servers such as Ollama)', () => {
    const config = loadConfig({ AGENT_PLATFORM_PROVIDER_BASE_URL: 'http://localhost:11434/v1' });
    expect(config.AGENT_PLATFORM_DEFAULT_MODEL).to.equal('gpt-4o-mini');
    expect(createModelProvider(config)).to.include({ name: 'openai-compatible', defaultModel: 'gpt-4o-mini' });
  });

  it('talks to OpenAI itself when only a key is set', () => {
    expect(createModelProvider(loadConfig({ AGENT_PLATFORM_PROVIDER_API_KEY: 'sk-x' })).name).to.equal('openai-compatible');
  });

  it('uses AGENT_PLATFORM_DEFAULT_MODEL when set, for either provider', () => {
    expect(createModelProvider(loadConfig({ AGENT_PLATFORM_DEFAULT_MODEL: 'llama3.1' })).defaultModel).to.equal('llama3.1');
    const remote = loadConfig({ AGENT_PLATFORM_PROVIDER_API_KEY: 'sk-x', AGENT_PLATFORM_DEFAULT_MODEL: 'gpt-4.1' });
    expect(createModelProvider(remote).defaultModel).to.equal('gpt-4.1');
  });

  it('waits 60 s per attempt and retries twice by default', () => {
    expect(loadConfig({})).to.include({ AGENT_PLATFORM_PROVIDER_TIMEOUT_MS: 60_000, AGENT_PLATFORM_PROVIDER_MAX_RETRIES: 2 });
  });

  it('refuses a base URL that is not http(s), and a negative retry count, naming the variable', () => {
    for (const env of [{ AGENT_PLATFORM_PROVIDER_BASE_URL: 'ftp://x' }, { AGENT_PLATFORM_PROVIDER_MAX_RETRIES: '-1' }]) {
      const name = Object.keys(env)[0]!;
      expect(() => loadConfig(env)).to.throw(ConfigError, name);
    }
  });
});
