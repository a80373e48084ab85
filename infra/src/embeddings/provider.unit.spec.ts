import { expect } from 'chai';
import { ConfigError, loadConfig } from '../config.js';
import { capturingLogger } from '../testing/logs.js';
import { LOCAL_EMBEDDING_MODEL } from './local/localEmbedding.js';
import { createEmbeddingProvider } from './provider.js';

const KEY = 'sk-embeddings-secret-0123456789';
const embeddingsOf = (env: NodeJS.ProcessEnv) => createEmbeddingProvider(loadConfig(env), capturingLogger().log);
const refusal = (env: NodeJS.ProcessEnv): ConfigError => {
  const error = (() => {
    try {
      return embeddingsOf(env);
    } catch (e) {
      return e;
    }
  })();
  expect(error, JSON.stringify(env)).to.be.instanceOf(ConfigError);
  return error as ConfigError;
};

describe('choosing the embeddings from the configuration', () => {
  it('embeds locally with 384 dimensions by default, so no key is needed', () => {
    expect(embeddingsOf({})).to.include({ name: 'local', model: LOCAL_EMBEDDING_MODEL, dimension: 384 });
    expect(embeddingsOf({ AGENT_PLATFORM_EMBEDDING_DIMENSION: '768' }).dimension).to.equal(768);
  });

  it('talks to an OpenAI-compatible server with PROVIDER=http, at the configured model and dimension', () => {
    const env = { AGENT_PLATFORM_EMBEDDING_PROVIDER: 'http', AGENT_PLATFORM_EMBEDDING_BASE_URL: 'http://127.0.0.1:11434/v1', AGENT_PLATFORM_EMBEDDING_MODEL: 'nomic-embed-text' };
    expect(embeddingsOf(env)).to.include({ name: 'openai-compatible', model: 'nomic-embed-text', dimension: 384 });
    expect(embeddingsOf({ ...env, AGENT_PLATFORM_EMBEDDING_DIMENSION: '768', AGENT_PLATFORM_EMBEDDING_FALLBACK: 'true' })).to.include({ name: 'openai-compatible', dimension: 768 });
  });

  it('sends 64 texts per request, waits 30 s per attempt, retries twice and does not fall back, by default', () => {
    expect(loadConfig({})).to.include({
      AGENT_PLATFORM_EMBEDDING_PROVIDER: 'local',
      AGENT_PLATFORM_EMBEDDING_BATCH_SIZE: 64,
      AGENT_PLATFORM_EMBEDDING_TIMEOUT_MS: 30_000,
      AGENT_PLATFORM_EMBEDDING_MAX_RETRIES: 2,
      AGENT_PLATFORM_EMBEDDING_FALLBACK: false,
    });
    expect(loadConfig({ AGENT_PLATFORM_EMBEDDING_FALLBACK: 'false' }).AGENT_PLATFORM_EMBEDDING_FALLBACK).to.equal(false);
  });

  it('refuses http without a model: no default fits every server', () => {
    expect(refusal({ AGENT_PLATFORM_EMBEDDING_PROVIDER: 'http' }).message).to.contain('AGENT_PLATFORM_EMBEDDING_MODEL');
  });

  it('refuses settings of the http embeddings with the local provider, without echoing the key', () => {
    for (const variable of ['AGENT_PLATFORM_EMBEDDING_BASE_URL', 'AGENT_PLATFORM_EMBEDDING_API_KEY', 'AGENT_PLATFORM_EMBEDDING_MODEL']) {
      const value = variable.endsWith('URL') ? 'http://127.0.0.1:1/v1' : KEY;
      const error = refusal({ [variable]: value });
      expect(error.message).to.contain('AGENT_PLATFORM_EMBEDDING_PROVIDER');
      expect(error.message).not.to.contain(KEY);
    }
  });

  it('refuses wrong values, naming the variable', () => {
    const wrong = {
      AGENT_PLATFORM_EMBEDDING_PROVIDER: 'openai',
      AGENT_PLATFORM_EMBEDDING_DIMENSION: '4',
      AGENT_PLATFORM_EMBEDDING_BATCH_SIZE: '0',
      AGENT_PLATFORM_EMBEDDING_FALLBACK: 'yes',
      AGENT_PLATFORM_EMBEDDING_BASE_URL: 'ftp://x',
    };
    for (const [variable, value] of Object.entries(wrong)) {
      const env = { AGENT_PLATFORM_EMBEDDING_PROVIDER: 'http', AGENT_PLATFORM_EMBEDDING_MODEL: 'm', [variable]: value };
      expect(refusal(env).message).to.contain(variable);
    }
  });
});
