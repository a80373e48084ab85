import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { DataDirUnusableError } from '../../errors.js';

export const USER = 'postgres';
/** The password every data directory had before it got a file of its own: changed on its next start. */
const LEGACY_PASSWORD = 'agent-platform';
/** The superuser's password, readable by the data directory's owner only. */
const passwordFileOf = (dataDir: string): string => path.join(dataDir, 'postgres-password');
/**
 * What initdb was given. The library hands initdb its password in a file under the system's temporary directory,
 * readable by every local user while initdb runs: that one is thrown away once the server runs, and kept here
 * until then, so that a start which crashes in between is not locked out.
 */
const initdbFileOf = (dataDir: string): string => path.join(dataDir, 'postgres-password.initdb');

const INVALID_PASSWORD = '28P01';

const readPassword = async (file: string): Promise<string | undefined> => {
  const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!text?.trim()) return undefined;
  await fs.chmod(file, 0o600); // opened up by hand or by a copy: others must not read it
  return text.trim();
};

/** A new random password, written through a temporary file so that a crash never leaves half of one. */
const writeNewPassword = async (file: string): Promise<string> => {
  const password = randomBytes(24).toString('base64url');
  const temporary = `${file}.tmp`;
  await fs.writeFile(temporary, `${password}\n`, { mode: 0o600 });
  await fs.chmod(temporary, 0o600); // a leftover of a crash keeps its mode through writeFile
  await fs.rename(temporary, file);
  return password;
};

/** The data directory's password, made on its first start and kept for every later one. */
export const passwordOf = async (dataDir: string): Promise<string> =>
  (await readPassword(passwordFileOf(dataDir))) ?? writeNewPassword(passwordFileOf(dataDir));

/** A throwaway password for initdb, kept in the data directory until `connectAdmin` replaced it. */
export const initdbPassword = (dataDir: string): Promise<string> => writeNewPassword(initdbFileOf(dataDir));

/**
 * Connects to the `postgres` database as the superuser with the data directory's password, first making it the
 * role's password where the role still has an earlier one: initdb's throwaway, or the fixed legacy password.
 */
export const connectAdmin = async (dataDir: string, port: number, password: string): Promise<pg.Client> => {
  const earlier = [await readPassword(initdbFileOf(dataDir)), LEGACY_PASSWORD].filter((p): p is string => p !== undefined);
  for (const candidate of [password, ...earlier]) {
    const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: candidate, database: 'postgres' });
    try {
      await client.connect();
    } catch (error) {
      if ((error as { code?: string }).code === INVALID_PASSWORD) continue;
      throw error;
    }
    try {
      if (candidate !== password) await client.query(`ALTER ROLE ${USER} PASSWORD ${client.escapeLiteral(password)}`);
      await fs.rm(initdbFileOf(dataDir), { force: true });
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }
  throw new DataDirUnusableError(`the embedded PostgreSQL in ${dataDir} refuses the password in ${passwordFileOf(dataDir)}`);
};
