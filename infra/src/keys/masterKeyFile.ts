import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, DataDirUnusableError } from '../errors.js';
import { KEY_BYTES } from './dataKey.js';
import { keyringOf, type Keyring } from './masterKeys.js';

export const MASTER_KEY_VARIABLE = 'AGENT_PLATFORM_MASTER_KEY';
export const PREVIOUS_MASTER_KEYS_VARIABLE = 'AGENT_PLATFORM_PREVIOUS_MASTER_KEYS';
/** The embedded default's master key, readable by the data directory's owner only. */
export const MASTER_KEY_FILE = 'master-key';

/** 32 bytes in base64 (or base64url), padding optional; anything else is refused, never guessed at. */
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/** Errors name the variable or file, never the value: a near-miss of a key is still most of a key. */
const decoded = (text: string, where: string, fail: (message: string) => Error): Buffer => {
  const material = BASE64_KEY.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (material?.length !== KEY_BYTES) throw fail(`${where} must be ${KEY_BYTES} random bytes in base64 (openssl rand -base64 32)`);
  return material;
};

const readKeyFile = async (file: string): Promise<Buffer | undefined> => {
  const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  await fs.chmod(file, 0o600); // opened up by hand or by a copy: others must not read it
  // A damaged file is refused, not replaced: a new key would leave every stored data key unreadable.
  return decoded(text.trim(), file, (message) => new DataDirUnusableError(message));
};

/**
 * A new key, written to a temporary file and linked into place: a crash never leaves half of one, and of two
 * processes starting at once the second finds the first one's key instead of overwriting it.
 */
const createKeyFile = async (file: string): Promise<Buffer> => {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temporary, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600 });
  try {
    await fs.link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await fs.rm(temporary, { force: true });
  }
  return (await readKeyFile(file))!;
};

export type MasterKeyConfig = {
  AGENT_PLATFORM_MASTER_KEY?: string | undefined;
  AGENT_PLATFORM_PREVIOUS_MASTER_KEYS?: string | undefined;
  dataDir: string;
};

/**
 * The master keys: `AGENT_PLATFORM_MASTER_KEY` when set, else the data directory's `master-key`, made on the
 * first start and kept. The file lives beside the embedded database, so whoever has the directory has both:
 * it is for `npm start`. A deployment sets the variable from its secret store, the same on every process.
 */
export const loadMasterKeys = async (config: MasterKeyConfig): Promise<{ keyring: Keyring; source: 'configured' | 'file' }> => {
  const fail = (message: string) => new ConfigError(`invalid configuration: ${message}`);
  const previous = (config.AGENT_PLATFORM_PREVIOUS_MASTER_KEYS ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, i) => decoded(entry, `${PREVIOUS_MASTER_KEYS_VARIABLE} (entry ${i + 1})`, fail));
  const configured = config.AGENT_PLATFORM_MASTER_KEY?.trim();
  if (configured) return { keyring: keyringOf(decoded(configured, MASTER_KEY_VARIABLE, fail), previous), source: 'configured' };
  const file = path.join(config.dataDir, MASTER_KEY_FILE);
  await fs.mkdir(config.dataDir, { recursive: true });
  const current = (await readKeyFile(file)) ?? (await createKeyFile(file));
  return { keyring: keyringOf(current, previous), source: 'file' };
};
