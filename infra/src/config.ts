import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { PROJECTION_RETRY_DEFAULTS } from './projectionRetry.js';
import { parseSecrets, type SecretBinding } from './secrets.js';

export { ConfigError };

const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(p)), {
      message: `must start with ${protocols.join(' or ')}`,
    });

/**
 * The environment, parsed once. Names follow the seed (`AGENT_PLATFORM_*`).
 * The seed's SQLAlchemy URLs (`postgresql+psycopg://`) are accepted and normalised.
 */
export const ConfigSchema = z.object({
  AGENT_PLATFORM_DATABASE_URL: optionalUrl(['postgres://', 'postgresql://', 'postgresql+psycopg://']).transform((v) =>
    v?.replace(/^postgresql\+psycopg:\/\//, 'postgresql://'),
  ),
  AGENT_PLATFORM_DATA_DIR: z.string().min(1).default('./data'),
  AGENT_PLATFORM_PORT: port.default(8000),
  AGENT_PLATFORM_HOST: z.string().min(1).default('0.0.0.0'),
  AGENT_PLATFORM_EMBEDDED_DB_PORT: port.default(54329),
  AGENT_PLATFORM_NATS_URL: optionalUrl(['nats://', 'tls://', 'ws://', 'wss://']),
  /** The JetStream stream the relay publishes to, and a prefix of its subjects: for several platforms (or a bench) on one NATS. */
  AGENT_PLATFORM_NATS_STREAM: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'letters, digits, _ and - only').default('AGENTPLATFORM_EVENTS'),
  AGENT_PLATFORM_NATS_SUBJECT_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'letters, digits, _ and - only').optional(),
  AGENT_PLATFORM_KAFKA_BROKERS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((b) => b.trim()).filter(Boolean) : undefined)),
  AGENT_PLATFORM_EVENTSTORE_URL: optionalUrl(['esdb://', 'esdb+discover://', 'kurrentdb://', 'kurrentdb+discover://', 'kdb://']),
  AGENT_PLATFORM_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AGENT_PLATFORM_READ_YOUR_WRITES_TIMEOUT_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  /** How long new events gather for a projector after its last read before it reads them; 0: at once. */
  AGENT_PLATFORM_PROJECTION_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(5),
  /** Failures of a projection's page, the event's own fault, before the failing event is parked and stepped over. */
  AGENT_PLATFORM_PROJECTION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(PROJECTION_RETRY_DEFAULTS.maxAttempts),
  /** The wait after a projection's first failed attempt; it doubles after each, up to 5 s. */
  AGENT_PLATFORM_PROJECTION_RETRY_MS: z.coerce.number().int().min(0).max(60_000).default(PROJECTION_RETRY_DEFAULTS.baseDelayMs),
  /** The same for the relay: the broker gets fewer, larger batches, each event up to this much later. */
  AGENT_PLATFORM_RELAY_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(5),
  AGENT_PLATFORM_DB_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(20),
  /** Neither this nor the key set: the deterministic local provider answers, so no key is ever needed. */
  AGENT_PLATFORM_PROVIDER_BASE_URL: optionalUrl(['http://', 'https://']),
  /** Never echoed: a bad value of it cannot fail validation, and the logger redacts `apiKey`. */
  AGENT_PLATFORM_PROVIDER_API_KEY: z.string().trim().optional(),
  /**
   * The master key data keys are wrapped under (32 bytes, base64); unset: the data directory's `master-key`.
   * Both are parsed by `loadMasterKeys`, whose errors never echo a value, so no check here can print one.
   */
  AGENT_PLATFORM_MASTER_KEY: z.string().trim().optional(),
  /** Earlier master keys, comma-separated, still unwrapping keys not yet re-wrapped; see docs/erasure.md. */
  AGENT_PLATFORM_PREVIOUS_MASTER_KEYS: z.string().trim().optional(),
  /** Unset: `gpt-4o-mini` with a provider, `local-react` without (filled in by `loadConfig`). */
  AGENT_PLATFORM_DEFAULT_MODEL: z.string().trim().min(1).max(200).optional(),
  AGENT_PLATFORM_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(1).max(3_600_000).default(60_000),
  AGENT_PLATFORM_PROVIDER_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** `local`: the deterministic local embedding (no key, no network); `http`: an OpenAI-compatible `/embeddings`. */
  AGENT_PLATFORM_EMBEDDING_PROVIDER: z.enum(['local', 'http']).default('local'),
  /** Unset with `http`: OpenAI itself. */
  AGENT_PLATFORM_EMBEDDING_BASE_URL: optionalUrl(['http://', 'https://']),
  /** Never echoed, like the model provider's key. */
  AGENT_PLATFORM_EMBEDDING_API_KEY: z.string().trim().optional(),
  /** Required with `http`: no default fits every server, and the model fixes the dimension. */
  AGENT_PLATFORM_EMBEDDING_MODEL: z.string().trim().min(1).max(200).optional(),
  /** Unset: 384, and not sent to the server (models of a fixed size refuse `dimensions`); set: sent, for models that can shorten their vectors. */
  AGENT_PLATFORM_EMBEDDING_DIMENSION: z.coerce.number().int().min(8).max(8192).optional(),
  /** OpenAI takes at most 2048 inputs per request. */
  AGENT_PLATFORM_EMBEDDING_BATCH_SIZE: z.coerce.number().int().min(1).max(2048).default(64),
  AGENT_PLATFORM_EMBEDDING_TIMEOUT_MS: z.coerce.number().int().min(1).max(3_600_000).default(30_000),
  AGENT_PLATFORM_EMBEDDING_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** `z.coerce.boolean` would read `false` as true. */
  AGENT_PLATFORM_EMBEDDING_FALLBACK: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** How knowledge search finds the nearest chunks: `pgvector` (HNSW) when the extension can be created, else `in-process` (`auto`); or one forced. */
  AGENT_PLATFORM_VECTOR_SEARCH: z.enum(['auto', 'pgvector', 'in-process']).default('auto'),
  /** The in-process path holds at most this many chunk vectors; the least recently searched bases are dropped beyond it. */
  AGENT_PLATFORM_VECTOR_MAX_VECTORS: z.coerce.number().int().min(1000).max(100_000_000).default(500_000),
  /** Hosts HTTP tools may reach although they resolve to private, loopback or link-local addresses (`host` or `host:port`, comma-separated). */
  AGENT_PLATFORM_TOOL_ALLOWED_HOSTS: z.string().optional(),
  AGENT_PLATFORM_TOOL_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(1024 * 1024),
  /** A dead worker's run is resumed by another this long after its last lease renewal. */
  AGENT_PLATFORM_AGENT_RUN_LEASE_MS: z.coerce.number().int().min(300).max(3_600_000).default(15_000),
  /** How often a processors process erases the memories past their `expires_at` (reads hide them at once). */
  AGENT_PLATFORM_MEMORY_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(10).max(86_400_000).default(60_000),
  /** How often a processors process expires the open human tasks past their `due_at`: a task expires at most this late. */
  AGENT_PLATFORM_HUMAN_TASK_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(10).max(86_400_000).default(15_000),
  /** How late a scheduled slot may fire before its job's misfire policy applies (it missed its time). */
  AGENT_PLATFORM_SCHEDULER_MISFIRE_GRACE_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  /** How long a scheduler holds a fire: one whose holder died is recorded lost and fired again after this. */
  AGENT_PLATFORM_SCHEDULER_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(120_000),
  /** How often a scheduler asks the read model for jobs due within the lookahead (jobs it has not seen in the log). */
  AGENT_PLATFORM_SCHEDULER_POLL_MS: z.coerce.number().int().min(10).max(600_000).default(1000),
  /** Jobs due within this are held in memory, each armed to fire on time. */
  AGENT_PLATFORM_SCHEDULER_LOOKAHEAD_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Fires a scheduler dispatches at once at most: more only contend for the same appends (64 was slower than 16 here). */
  AGENT_PLATFORM_SCHEDULER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  /** Leases in a row a durable run may take without recording a step before the kernel ends it: its step fails every time. */
  AGENT_PLATFORM_RUN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(5),
  /** Runs one processor process executes at once. */
  AGENT_PLATFORM_AGENT_RUN_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
  /** How long `POST /agents/runs/:id/execute` waits for the run to end before it answers 202. */
  AGENT_PLATFORM_EXECUTE_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  /**
   * The interpreter `POST /code/run` runs Python with (a name on PATH or a path). It is asked for its real
   * executable once at start, so a pyenv shim works too; an install outside /usr is bound read-only into
   * the sandbox. Unset: Debian's /usr/bin/python3, which needs nothing of /root (docs/code-runner.md).
   */
  AGENT_PLATFORM_PYTHON_BIN: z.string().trim().min(1).default('/usr/bin/python3'),
  /** The longest `timeout_seconds` a code run may ask for. */
  AGENT_PLATFORM_MAX_TIMEOUT_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /** A code run's memory: each sandboxed process's private memory (RLIMIT_DATA). */
  AGENT_PLATFORM_CODE_MEMORY_MB: z.coerce.number().int().min(16).max(65_536).default(256),
  /** Processes and threads a code run may have at once (RLIMIT_NPROC); node needs about 8 for itself. */
  AGENT_PLATFORM_CODE_MAX_PROCESSES: z.coerce.number().int().min(12).max(4096).default(16),
  /** What a code run may print, stdout and stderr each; more kills the program. */
  AGENT_PLATFORM_CODE_MAX_OUTPUT_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  /** Code runs at once per process; each is a process tree with its own memory cap. Eight times as many may wait. */
  AGENT_PLATFORM_CODE_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(4),
  /** The size of a code run's throw-away working directory (a tmpfs), and its largest file (RLIMIT_FSIZE). */
  AGENT_PLATFORM_CODE_DISK_MB: z.coerce.number().int().min(1).max(4096).default(16),
  /** A client gets this long from its connection (or its last request) to send a whole request head, or is cut off. */
  AGENT_PLATFORM_HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** ...and this long to send the whole request, body included. Answers (SSE streams, waits) are not bounded by it. */
  AGENT_PLATFORM_HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** An idle keep-alive connection is closed after this; longer than the 60 s of common load balancers, so they close first. */
  AGENT_PLATFORM_HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(65_000),
}).refine((c) => c.AGENT_PLATFORM_HTTP_HEADERS_TIMEOUT_MS <= c.AGENT_PLATFORM_HTTP_REQUEST_TIMEOUT_MS, {
  // The request includes its head; Node refuses a server configured otherwise.
  path: ['AGENT_PLATFORM_HTTP_HEADERS_TIMEOUT_MS'],
  message: 'must not exceed AGENT_PLATFORM_HTTP_REQUEST_TIMEOUT_MS',
}).refine(
  (c) => c.AGENT_PLATFORM_EMBEDDING_PROVIDER === 'http' || !(c.AGENT_PLATFORM_EMBEDDING_BASE_URL || c.AGENT_PLATFORM_EMBEDDING_API_KEY || c.AGENT_PLATFORM_EMBEDDING_MODEL),
  {
    // Otherwise a forgotten PROVIDER=http would index everything with the local embedding, unnoticed. The
    // issue names PROVIDER, whose value may be echoed; the key's never is.
    path: ['AGENT_PLATFORM_EMBEDDING_PROVIDER'],
    message: 'must be http when AGENT_PLATFORM_EMBEDDING_BASE_URL, _API_KEY or _MODEL is set: they configure the http embeddings',
  },
).refine((c) => c.AGENT_PLATFORM_EMBEDDING_PROVIDER === 'local' || c.AGENT_PLATFORM_EMBEDDING_MODEL, {
  path: ['AGENT_PLATFORM_EMBEDDING_MODEL'],
  message: 'is required when AGENT_PLATFORM_EMBEDDING_PROVIDER=http',
});
export type Config = Omit<z.infer<typeof ConfigSchema>, 'AGENT_PLATFORM_DEFAULT_MODEL'> & {
  AGENT_PLATFORM_DEFAULT_MODEL: string;
  dataDir: string;
  /** `AGENT_PLATFORM_SECRET_<NAME>` by NAME: what `${secret:NAME}` in a tool's headers stands for, and where it may be sent. */
  secrets: ReadonlyMap<string, SecretBinding>;
  /** What the operator should hear at startup about the secrets (one usable nowhere, say); loading has no logger. */
  secretWarnings: string[];
};

/**
 * Parses the environment; a wrong value throws one line that names the variable. An empty variable counts as
 * unset (`AGENT_PLATFORM_PORT=` in a compose file means the default port, not port 0, a random one).
 */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const parsed = ConfigSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v?.trim())));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new ConfigError(`invalid configuration: ${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`);
  }
  const { AGENT_PLATFORM_PROVIDER_BASE_URL: baseUrl, AGENT_PLATFORM_PROVIDER_API_KEY: apiKey } = parsed.data;
  const defaultModel = parsed.data.AGENT_PLATFORM_DEFAULT_MODEL ?? (baseUrl || apiKey ? 'gpt-4o-mini' : 'local-react');
  const { secrets, warnings: secretWarnings } = parseSecrets(env);
  return { ...parsed.data, AGENT_PLATFORM_DEFAULT_MODEL: defaultModel, dataDir: path.resolve(parsed.data.AGENT_PLATFORM_DATA_DIR), secrets, secretWarnings };
};
