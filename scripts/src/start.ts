import { parseArgs } from 'node:util';
import { ConfigError, createLogger, loadConfig } from '@agent-platform/infra';
import { exitOnError } from './cli.js';
import { ROLES, startPlatform, type Role } from './platform.js';

/** `npm start` runs every role in one process; `npm start -- --role query-api` (repeatable) runs some. */
const main = async () => {
  const { values } = parseArgs({ options: { role: { type: 'string', multiple: true } } });
  const roles = (values.role ?? [...ROLES]) as Role[];
  const unknown = roles.filter((r) => !ROLES.includes(r));
  if (unknown.length) throw new ConfigError(`unknown role ${unknown.join(', ')}; roles are ${ROLES.join(', ')}`);
  const config = loadConfig();
  const log = createLogger(config.AGENT_PLATFORM_LOG_LEVEL);
  const platform = await startPlatform(config, log, roles);
  // For the person at the terminal, on stderr: the URL holds the password, which the structured log must never carry.
  if (platform.embedded) process.stderr.write(`embedded PostgreSQL: psql '${platform.databaseUrl}'\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    platform.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
};

main().catch(exitOnError);
