import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from './config.js';
import { PROJECTION_RETRY_DEFAULTS } from './projectionRetry.js';

/** Asserts that `env` is refused with a ConfigError naming `variable` (the contract); the rest of the wording is free. */
const expectRefused = (env: NodeJS.ProcessEnv, variable: string): ConfigError => {
  let thrown: unknown;
  try {
    loadConfig(env);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `${JSON.stringify(env)} should be refused`).to.be.instanceOf(ConfigError);
  const error = thrown as ConfigError;
  expect(error.message).to.contain(variable);
  expect(error.message, 'one line').not.to.contain('\n');
  return error;
};

describe('loadConfig', () => {
  describe('defaults', () => {
    it('listens on port 8000', () => {
      expect(loadConfig({}).AGENT_PLATFORM_PORT).to.equal(8000);
    });

    it('keeps its data under ./data, resolved to an absolute path', () => {
      const config = loadConfig({});
      expect(path.isAbsolute(config.dataDir)).to.equal(true);
      expect(config.dataDir).to.equal(path.resolve('data'));
    });

    it('resolves a relative AGENT_PLATFORM_DATA_DIR to an absolute path', () => {
      expect(loadConfig({ AGENT_PLATFORM_DATA_DIR: 'some/where' }).dataDir).to.equal(path.resolve('some/where'));
      expect(loadConfig({ AGENT_PLATFORM_DATA_DIR: '/var/lib/ap' }).dataDir).to.equal('/var/lib/ap');
    });

    it('runs the embedded database on port 54329', () => {
      expect(loadConfig({}).AGENT_PLATFORM_EMBEDDED_DB_PORT).to.equal(54329);
    });

    it('has no external servers, so the embedded defaults are used', () => {
      const config = loadConfig({});
      expect(config.AGENT_PLATFORM_DATABASE_URL).to.equal(undefined);
      expect(config.AGENT_PLATFORM_NATS_URL).to.equal(undefined);
      expect(config.AGENT_PLATFORM_KAFKA_BROKERS).to.equal(undefined);
      expect(config.AGENT_PLATFORM_EVENTSTORE_URL).to.equal(undefined);
    });

    it('gives a client 10 s to send a request head and 30 s for the whole request, and keeps an idle connection 65 s', () => {
      const config = loadConfig({});
      expect(config.AGENT_PLATFORM_HTTP_HEADERS_TIMEOUT_MS).to.equal(10_000);
      expect(config.AGENT_PLATFORM_HTTP_REQUEST_TIMEOUT_MS).to.equal(30_000);
      expect(config.AGENT_PLATFORM_HTTP_KEEP_ALIVE_TIMEOUT_MS).to.equal(65_000);
    });

    it("retries a projection's failed page 5 times from 100 ms, the projectors' own defaults (PROJECTION_RETRY_DEFAULTS)", () => {
      const config = loadConfig({});
      expect(config.AGENT_PLATFORM_PROJECTION_MAX_ATTEMPTS).to.equal(5).and.equal(PROJECTION_RETRY_DEFAULTS.maxAttempts);
      expect(config.AGENT_PLATFORM_PROJECTION_RETRY_MS).to.equal(100).and.equal(PROJECTION_RETRY_DEFAULTS.baseDelayMs);
    });

    it('ignores variables it does not know', () => {
      expect(() => loadConfig({ PATH: '/usr/bin', AGENT_PLATFORM_SOMETHING_ELSE: 'x' })).not.to.throw();
    });

    it('parses numbers given as strings', () => {
      const config = loadConfig({
        AGENT_PLATFORM_PORT: '0',
        AGENT_PLATFORM_EMBEDDED_DB_PORT: '65535',
        AGENT_PLATFORM_READ_YOUR_WRITES_TIMEOUT_MS: '0',
        AGENT_PLATFORM_PROJECTION_LINGER_MS: '0',
        AGENT_PLATFORM_RELAY_LINGER_MS: '0',
      });
      expect(config.AGENT_PLATFORM_PORT).to.equal(0);
      expect(config.AGENT_PLATFORM_EMBEDDED_DB_PORT).to.equal(65535);
      expect(config.AGENT_PLATFORM_READ_YOUR_WRITES_TIMEOUT_MS).to.equal(0);
      expect(config.AGENT_PLATFORM_PROJECTION_LINGER_MS).to.equal(0);
      expect(config.AGENT_PLATFORM_RELAY_LINGER_MS).to.equal(0);
    });
  });

  describe('AGENT_PLATFORM_DATABASE_URL', () => {
    it('accepts postgres:// and postgresql:// unchanged', () => {
      expect(loadConfig({ AGENT_PLATFORM_DATABASE_URL: 'postgres://u:p@db:5432/x' }).AGENT_PLATFORM_DATABASE_URL).to.equal(
        'postgres://u:p@db:5432/x',
      );
      expect(loadConfig({ AGENT_PLATFORM_DATABASE_URL: 'postgresql://u:p@db:5432/x' }).AGENT_PLATFORM_DATABASE_URL).to.equal(
        'postgresql://u:p@db:5432/x',
      );
    });

    it("normalises the seed's postgresql+psycopg:// to postgresql://", () => {
      expect(
        loadConfig({ AGENT_PLATFORM_DATABASE_URL: 'postgresql+psycopg://u:p@db:5432/agent_platform' }).AGENT_PLATFORM_DATABASE_URL,
      ).to.equal('postgresql://u:p@db:5432/agent_platform');
    });

    it('refuses another scheme, naming the variable', () => {
      expectRefused({ AGENT_PLATFORM_DATABASE_URL: 'mysql://x' }, 'AGENT_PLATFORM_DATABASE_URL');
      expectRefused({ AGENT_PLATFORM_DATABASE_URL: 'localhost:5432' }, 'AGENT_PLATFORM_DATABASE_URL');
    });
  });

  describe('wrong values throw a ConfigError naming the variable', () => {
    const cases: [string, string][] = [
      ['AGENT_PLATFORM_PORT', 'abc'],
      ['AGENT_PLATFORM_PORT', '70000'],
      ['AGENT_PLATFORM_PORT', '-1'],
      ['AGENT_PLATFORM_PORT', '80.5'],
      ['AGENT_PLATFORM_EMBEDDED_DB_PORT', 'abc'],
      ['AGENT_PLATFORM_EMBEDDED_DB_PORT', '70000'],
      ['AGENT_PLATFORM_LOG_LEVEL', 'loud'],
      ['AGENT_PLATFORM_READ_YOUR_WRITES_TIMEOUT_MS', '-1'],
      ['AGENT_PLATFORM_READ_YOUR_WRITES_TIMEOUT_MS', 'soon'],
      ['AGENT_PLATFORM_PROJECTION_LINGER_MS', '5000'],
      ['AGENT_PLATFORM_RELAY_LINGER_MS', '-1'],
      ['AGENT_PLATFORM_DB_POOL_SIZE', '0'],
      ['AGENT_PLATFORM_NATS_URL', 'http://localhost:4222'],
      ['AGENT_PLATFORM_EVENTSTORE_URL', 'http://localhost:2113'],
      ['AGENT_PLATFORM_HTTP_HEADERS_TIMEOUT_MS', '0'],
      ['AGENT_PLATFORM_HTTP_REQUEST_TIMEOUT_MS', 'never'],
    ];
    for (const [name, value] of cases) {
      it(`${name}=${JSON.stringify(value)}`, () => {
        expectRefused({ [name]: value }, name);
      });
    }

    it('names the wrong variable, not a right one beside it', () => {
      const error = expectRefused(
        { AGENT_PLATFORM_PORT: '8080', AGENT_PLATFORM_LOG_LEVEL: 'loud' },
        'AGENT_PLATFORM_LOG_LEVEL',
      );
      expect(error.message).not.to.contain('AGENT_PLATFORM_PORT');
    });

    it('refuses a headers timeout longer than the request timeout, naming the headers timeout', () => {
      expectRefused({ AGENT_PLATFORM_HTTP_HEADERS_TIMEOUT_MS: '40000' }, 'AGENT_PLATFORM_HTTP_HEADERS_TIMEOUT_MS');
    });

    it('is an Error named ConfigError', () => {
      const error = expectRefused({ AGENT_PLATFORM_PORT: 'abc' }, 'AGENT_PLATFORM_PORT');
      expect(error).to.be.instanceOf(Error);
      expect(error.name).to.equal('ConfigError');
    });
  });

  describe('master keys', () => {
    it('passes the master keys through unchecked: loadConfig echoes a refused value, loadMasterKeys never does', () => {
      const config = loadConfig({ AGENT_PLATFORM_MASTER_KEY: ' not-a-key ', AGENT_PLATFORM_PREVIOUS_MASTER_KEYS: 'a,b' });
      expect(config.AGENT_PLATFORM_MASTER_KEY).to.equal('not-a-key');
      expect(config.AGENT_PLATFORM_PREVIOUS_MASTER_KEYS).to.equal('a,b');
    });
  });

  describe('AGENT_PLATFORM_KAFKA_BROKERS', () => {
    it('splits on commas and trims', () => {
      expect(loadConfig({ AGENT_PLATFORM_KAFKA_BROKERS: 'k1:9092, k2:9092,k3:9092' }).AGENT_PLATFORM_KAFKA_BROKERS).to.deep.equal([
        'k1:9092',
        'k2:9092',
        'k3:9092',
      ]);
    });

    it('takes a single broker', () => {
      expect(loadConfig({ AGENT_PLATFORM_KAFKA_BROKERS: 'localhost:9092' }).AGENT_PLATFORM_KAFKA_BROKERS).to.deep.equal([
        'localhost:9092',
      ]);
    });

    it('drops empty entries', () => {
      expect(loadConfig({ AGENT_PLATFORM_KAFKA_BROKERS: 'k1:9092,,k2:9092,' }).AGENT_PLATFORM_KAFKA_BROKERS).to.deep.equal([
        'k1:9092',
        'k2:9092',
      ]);
    });
  });

  describe('the code runner', () => {
    it("runs Debian's Python, 30 s at most, 256 MiB, 16 processes, 1 MiB of output, 16 MiB of disk and 4 runs at once by default", () => {
      expect(loadConfig({})).to.deep.include({
        AGENT_PLATFORM_PYTHON_BIN: '/usr/bin/python3',
        AGENT_PLATFORM_MAX_TIMEOUT_SECONDS: 30,
        AGENT_PLATFORM_CODE_MEMORY_MB: 256,
        AGENT_PLATFORM_CODE_MAX_PROCESSES: 16,
        AGENT_PLATFORM_CODE_MAX_OUTPUT_BYTES: 1024 * 1024,
        AGENT_PLATFORM_CODE_DISK_MB: 16,
        AGENT_PLATFORM_CODE_CONCURRENCY: 4,
      });
    });

    it("takes the seed's AGENT_PLATFORM_PYTHON_BIN and AGENT_PLATFORM_MAX_TIMEOUT_SECONDS", () => {
      expect(loadConfig({ AGENT_PLATFORM_PYTHON_BIN: 'python', AGENT_PLATFORM_MAX_TIMEOUT_SECONDS: '30' })).to.deep.include({
        AGENT_PLATFORM_PYTHON_BIN: 'python',
        AGENT_PLATFORM_MAX_TIMEOUT_SECONDS: 30,
      });
    });

    it('refuses a maximum timeout below a second, and a process limit node cannot start under', () => {
      expectRefused({ AGENT_PLATFORM_MAX_TIMEOUT_SECONDS: '0' }, 'AGENT_PLATFORM_MAX_TIMEOUT_SECONDS');
      expectRefused({ AGENT_PLATFORM_CODE_MAX_PROCESSES: '4' }, 'AGENT_PLATFORM_CODE_MAX_PROCESSES');
    });
  });

  describe('empty strings count as unset', () => {
    for (const name of ['AGENT_PLATFORM_DATABASE_URL', 'AGENT_PLATFORM_NATS_URL', 'AGENT_PLATFORM_EVENTSTORE_URL', 'AGENT_PLATFORM_KAFKA_BROKERS'] as const) {
      it(name, () => {
        expect(loadConfig({ [name]: '' })[name]).to.equal(undefined);
        if (name !== 'AGENT_PLATFORM_KAFKA_BROKERS') expect(loadConfig({ [name]: '   ' })[name]).to.equal(undefined);
      });
    }

    it('for every variable: an empty one means its default, not zero or an error', () => {
      const config = loadConfig({
        AGENT_PLATFORM_PORT: '',
        AGENT_PLATFORM_EMBEDDED_DB_PORT: ' ',
        AGENT_PLATFORM_LOG_LEVEL: '',
        AGENT_PLATFORM_DATA_DIR: '',
        AGENT_PLATFORM_READ_YOUR_WRITES_TIMEOUT_MS: '',
        AGENT_PLATFORM_DB_POOL_SIZE: '',
        AGENT_PLATFORM_PROJECTION_LINGER_MS: '',
        AGENT_PLATFORM_RELAY_LINGER_MS: '',
      });
      expect(config.AGENT_PLATFORM_PORT).to.equal(8000);
      expect(config.AGENT_PLATFORM_EMBEDDED_DB_PORT).to.equal(54329);
      expect(config.AGENT_PLATFORM_LOG_LEVEL).to.equal('info');
      expect(config.dataDir).to.equal(path.resolve('data'));
      expect(config.AGENT_PLATFORM_READ_YOUR_WRITES_TIMEOUT_MS).to.equal(5000);
      expect(config.AGENT_PLATFORM_DB_POOL_SIZE).to.equal(20);
      expect(config.AGENT_PLATFORM_PROJECTION_LINGER_MS).to.equal(5);
      expect(config.AGENT_PLATFORM_RELAY_LINGER_MS).to.equal(5);
    });

    it('the real servers are used when the URLs are set', () => {
      const config = loadConfig({
        AGENT_PLATFORM_NATS_URL: 'nats://127.0.0.1:4222',
        AGENT_PLATFORM_EVENTSTORE_URL: 'esdb://localhost:2113?tls=false',
      });
      expect(config.AGENT_PLATFORM_NATS_URL).to.equal('nats://127.0.0.1:4222');
      expect(config.AGENT_PLATFORM_EVENTSTORE_URL).to.equal('esdb://localhost:2113?tls=false');
    });
  });
});
