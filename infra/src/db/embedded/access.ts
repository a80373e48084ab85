import fs from 'node:fs/promises';
import path from 'node:path';
import { DataDirUnusableError } from '../../errors.js';

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to enter every directory on the way to its
 * data. The data directory is ours to open (mkdtemp makes it 0700); a parent that shuts others out (a checkout
 * under /root) is not ours to change, so it is named in a clear error instead.
 */
export const ensureReachableByPostgres = async (dataDir: string): Promise<void> => {
  if (process.getuid?.() !== 0) return;
  const own = await fs.stat(dataDir);
  if ((own.mode & 0o001) === 0) await fs.chmod(dataDir, (own.mode & 0o7777) | 0o011);
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const { mode } = await fs.stat(dir);
    if ((mode & 0o001) === 0) {
      throw new DataDirUnusableError(
        `PostgreSQL runs as the postgres user and cannot enter ${dir} on the way to ${dataDir}; ` +
          'set AGENT_PLATFORM_DATA_DIR to a directory outside it',
      );
    }
    if (dir === path.dirname(dir)) return;
  }
};
