import { eventCatalog } from '@agent-platform/contracts';
import {
  createPostgresEventStore,
  createUpcaster,
  openKurrentEventStore,
  repeatedLog,
  type Config,
  type EventStore,
  type Logger,
  type Pool,
} from '@agent-platform/infra';

/**
 * The log lives in PostgreSQL unless AGENT_PLATFORM_EVENTSTORE_URL names a KurrentDB server; read models,
 * checkpoints and delivery state stay in PostgreSQL either way.
 */
export const openEventStore = async (config: Config, db: { pool: Pool; url: string }, log: Logger): Promise<EventStore> => {
  const upcaster = createUpcaster(eventCatalog);
  if (config.AGENT_PLATFORM_EVENTSTORE_URL) {
    log.info('event store: KurrentDB');
    return openKurrentEventStore({ connectionString: config.AGENT_PLATFORM_EVENTSTORE_URL, upcaster });
  }
  // Both retry on their own, once a second while the database is away: logged at a bounded rate.
  const failed = repeatedLog(log, 'warn', 'event store: the notification connection or the shared log reader failed; retrying');
  const store = createPostgresEventStore({
    pool: db.pool,
    listenConnectionString: db.url,
    upcaster,
    onError: (error) => failed({ err: error }),
  });
  await store.ready;
  return store;
};
