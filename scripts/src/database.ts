import { startEmbeddedDatabase, type Config, type Logger } from '@agent-platform/infra';

export type Database = { url: string; embedded: boolean; close: () => Promise<void> };

/** A `postgres://` URL in the configuration means a real server; without one, the embedded server starts. */
export const openDatabase = async (config: Config, log: Logger): Promise<Database> => {
  if (config.AGENT_PLATFORM_DATABASE_URL) {
    return { url: config.AGENT_PLATFORM_DATABASE_URL, embedded: false, close: async () => undefined };
  }
  const started = Date.now();
  const db = await startEmbeddedDatabase({ dataDir: config.dataDir, port: config.AGENT_PLATFORM_EMBEDDED_DB_PORT });
  // Its URL holds the password: the log says where PostgreSQL listens, `npm start` shows the URL at the terminal.
  log.info({ data_dir: db.dataDir, port: db.port, ms: Date.now() - started }, `embedded PostgreSQL ready on 127.0.0.1:${db.port}`);
  return { url: db.url, embedded: true, close: db.stop };
};
