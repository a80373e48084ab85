import { createPostgresDataKeys, loadMasterKeys, type Config, type DataKeys, type Logger, type Pool } from '@agent-platform/infra';

/**
 * The data keys that seal personal content (memories, documents): kept in the platform's database, wrapped
 * under the master key (`AGENT_PLATFORM_MASTER_KEY`, or the data directory's `master-key` file). No
 * process-wide cache: a key destroyed by one process must not be served by another's (docs/erasure.md).
 */
export const openDataKeys = async (config: Config, pool: Pool, database: { embedded: boolean }, log: Logger): Promise<DataKeys> => {
  const { keyring, source } = await loadMasterKeys(config);
  if (source === 'file' && !database.embedded) {
    // The file belongs to one data directory: processes on other hosts would each make a key of their own.
    log.warn('the master key comes from the data directory while the database is external; set AGENT_PLATFORM_MASTER_KEY on every process');
  }
  return createPostgresDataKeys({ db: pool, keyring });
};
