import { randomUUID } from 'node:crypto';
import { eventCatalog, SESSIONS_CATEGORY, streamId } from '@agent-platform/contracts';
import {
  checkpointsReached,
  createKnex,
  createPool,
  createPostgresEventStore,
  createUpcaster,
  eventStoreMigrations,
  migrateToLatest,
  type EventStore,
  type Knex,
  type LogCheckpoint,
  type Pool,
} from '@agent-platform/infra';
import { readModelMigrations } from '../index.js';
import { sessionsProjection } from '../sessions/module.js';

export type ProjectorFixture = {
  store: EventStore;
  knex: Knex;
  pool: Pool;
  /** Whether the sessions projection's checkpoint has reached the event at `position`. */
  reached: (position: number) => Promise<boolean>;
  close: () => Promise<void>;
};

/** The event store and the sessions read model, whose projector the runtime's specs drive. */
export const openProjectorFixture = async (url: string): Promise<ProjectorFixture> => {
  const knex = createKnex(url);
  await migrateToLatest(knex, [eventStoreMigrations, readModelMigrations([sessionsProjection])]);
  const pool = createPool(url, 10);
  const store = createPostgresEventStore({ pool, listenConnectionString: url, upcaster: createUpcaster(eventCatalog) });
  await store.ready;
  return {
    store,
    knex,
    pool,
    reached: async (position) => {
      const target = await store.checkpointOf(position);
      return Boolean(target) && checkpointsReached(knex, ['sessions'], target!);
    },
    close: async () => {
      await store.close();
      await pool.end();
      await knex.destroy();
    },
  };
};

/** Appends a session with `messages` messages, as the command side would. */
export const appendSession = async (store: EventStore, messages: number, workspace_id = 'public') => {
  const id = randomUUID();
  const metadata = { workspace_id };
  const result = await store.append(
    streamId(SESSIONS_CATEGORY, id),
    [
      {
        type: 'SessionOpened',
        data: { session_id: id, app_id: 'app', user_id: 'user', channel_type: 'web', title: null, metadata_json: {} },
        metadata,
      },
      ...Array.from({ length: messages }, (_, i) => ({
        type: 'SessionMessageAppended',
        data: { session_id: id, message_id: randomUUID(), seq_no: i + 1, role: 'user', content_text: `m${i + 1}`, metadata_json: {} },
        metadata,
      })),
    ],
    { expectedVersion: 'no_stream' },
  );
  return { id, position: result.lastPosition };
};

/**
 * Reads one page from `from` that includes the event at `position`. The read horizon is server-wide, so
 * another database's open transaction can hide fresh events for a moment: read again until they show.
 */
export const readThrough = async (store: EventStore, from: LogCheckpoint, position: number) => {
  for (const deadline = Date.now() + 10_000; ; ) {
    const page = await store.readAll({ after: from, limit: 1000 });
    if (page.events.some((e) => e.global_position === position) || Date.now() > deadline) return page;
    await new Promise((r) => setTimeout(r, 10));
  }
};

export const waitFor = async (condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> => {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not met in time');
};
