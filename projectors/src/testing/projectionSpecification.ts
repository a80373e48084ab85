import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eventCatalog, schemaVersionOf, type DomainEvent, type EventMetadata, type RecordedEvent } from '@agent-platform/contracts';
import {
  createKnex,
  createPool,
  createUpcaster,
  dangerouslyResetCheckpoint,
  eventStoreMigrations,
  LOG_START,
  migrateToLatest,
  type LogCheckpoint,
} from '@agent-platform/infra';
import { createInMemoryEventStore, describeOnEachPostgres } from '@agent-platform/infra/testing';
import { applyPage, type ProjectionDb } from '../apply.js';
import { readModelMigrations } from '../index.js';
import type { ProjectionModule } from '../module.js';
import type { ProjectionServices, Projector } from '../projector.js';

/**
 * An event of a spec, recorded on a stream of the spec's own: the workspace defaults to `public`, the time to a
 * fixed one, the schema version to the type's current one (an older one is upcast on the way, as in production).
 */
export type SpecEvent = DomainEvent & { metadata?: Partial<EventMetadata>; at?: string; schema_version?: number };

/** The rows a table holds afterwards, each compared on the columns it names, in `orderBy` order (default `id`). */
export type TableRows = { table: string; rows: Record<string, unknown>[]; orderBy?: string[] };

export type ProjectionSpec = { given?: SpecEvent[]; when: SpecEvent[]; then: TableRows | TableRows[] };

/** When a spec event without `at` is recorded: a fixed time, so rows can be expected with exact timestamps. */
export const SPEC_TIME = '2026-01-01T00:00:00.000Z';

type Db = ProjectionDb;

/**
 * Records the events (the in-memory event store, upcasting included, gives them positions, transaction ids
 * and times), reads them back as the runtime would (only the types the projector handles), and applies
 * them to the real database with `applyPage`, the runtime's own path: compiled statements in one
 * transaction with the checkpoint's claim. `cuts` says how the log is cut into pages.
 */
const project = async (db: Db, projector: Projector, spec: ProjectionSpec, cuts: 'given, then when' | 'one page' | 'a page per event') => {
  await db.knex.raw(`TRUNCATE ${projector.tables.map(() => '??').join(', ')}`, [...projector.tables]);
  await dangerouslyResetCheckpoint(db.knex, projector.name);
  let at = SPEC_TIME;
  const store = createInMemoryEventStore({ upcaster: createUpcaster(eventCatalog), now: () => new Date(at) });
  const stream = `projection-spec-${randomUUID()}`;
  const record = async (events: readonly SpecEvent[]) => {
    for (const e of events) {
      at = e.at ?? SPEC_TIME;
      const metadata = { workspace_id: 'public', ...e.metadata } as EventMetadata;
      const schema_version = e.schema_version ?? schemaVersionOf(e.type);
      await store.append(stream, [{ type: e.type, data: e.data, schema_version, metadata }], { expectedVersion: 'any' });
    }
  };
  const read = async (after: LogCheckpoint) => store.readAll({ after, limit: 10_000, types: projector.handles });
  const apply = async (events: readonly RecordedEvent[], checkpoint: LogCheckpoint) => applyPage(db, projector, events, checkpoint);

  await record(spec.given ?? []);
  if (cuts === 'given, then when') {
    const given = await read(LOG_START);
    await apply(given.events, given.checkpoint);
    await record(spec.when);
    const when = await read(given.checkpoint);
    await apply(when.events, when.checkpoint);
    return;
  }
  await record(spec.when);
  const all = await read(LOG_START);
  if (cuts === 'one page') return void (await apply(all.events, all.checkpoint));
  for (const e of all.events) await apply([e], { transactionId: e.transaction_id, globalPosition: e.global_position });
};

const expectRows = async (db: Db, expected: TableRows, cuts: string) => {
  const columns = [...new Set(expected.rows.flatMap((r) => Object.keys(r)))];
  const rows: Record<string, unknown>[] = await db.knex(expected.table).select(columns.length > 0 ? columns : ['*']).orderBy(expected.orderBy ?? ['id']);
  // Each row is compared on the columns its expectation names; a row more or less is a difference too.
  const named = rows.map((row, i) => {
    const keys = Object.keys(expected.rows[i] ?? row);
    return Object.fromEntries(keys.map((k) => [k, row[k]]));
  });
  expect(named, `${expected.table}, the log applied ${cuts}`).to.deep.equal(expected.rows);
};

/**
 * given(events).when(events).then(rows) for a domain's projectors, against a real PostgreSQL database: the
 * given events are applied as one page, the events under test as the next, and the tables must then hold
 * the rows expected. The same events are also applied as one page, and one event per page, from empty
 * tables: the runtime cuts the log into pages as it likes, and the rows must not depend on where.
 */
export const projectionSpecification = (projectors: readonly Projector[], db: () => Db) => async (spec: ProjectionSpec) => {
  const expectations = Array.isArray(spec.then) ? spec.then : [spec.then];
  for (const cuts of ['given, then when', 'one page', 'a page per event'] as const) {
    for (const projector of projectors) await project(db(), projector, spec, cuts);
    for (const expected of expectations) await expectRows(db(), expected, cuts);
  }
};

/** Every test under a suite, its sub-suites' included. */
const testsOf = (suite: Mocha.Suite): Mocha.Test[] => [...suite.tests, ...suite.suites.flatMap(testsOf)];

/**
 * A suite of projection specs of a domain's read side on each PostgreSQL target, on a fresh database with
 * the event store's migrations and the domain's own (its tables need no other domain's); `body` declares
 * its `it`s with the `spec` it is given. Once every spec of the suite ran and passed, each event type a
 * projector of the domain handles must have been the `when` of one of them: a projection added without a
 * spec of its own fails the suite.
 */
export const describeProjection = (
  title: string,
  module: ProjectionModule,
  body: (spec: ReturnType<typeof projectionSpecification>) => void,
  /** What the domain's projectors read outside the log (the data keys of sealed content), as the process gives it. */
  services: ProjectionServices = {},
) =>
  describeOnEachPostgres(title, ({ db: database }) => {
    let db: Db | undefined;
    const exercised = new Set<string>();
    before(async () => {
      const { url } = database();
      const knex = createKnex(url);
      await migrateToLatest(knex, [eventStoreMigrations, readModelMigrations([module])]);
      db = { knex, pool: createPool(url, 2), services };
    });
    after(async function (this: Mocha.Context) {
      await db?.pool.end();
      await db?.knex.destroy();
      // A run of some specs only (--grep, a failure) says nothing of what the others cover.
      if (!testsOf(this.test!.parent!).every((t) => t.state === 'passed')) return;
      for (const projector of module.projectors) {
        const unspecified = projector.handles.filter((type) => !exercised.has(type));
        expect(unspecified, `event types the ${projector.name} projection handles with no spec of their own`).to.deep.equal([]);
      }
    });
    const spec = projectionSpecification(module.projectors, () => {
      if (!db) throw new Error('the projection database is not ready');
      return db;
    });
    body(async (s) => {
      for (const e of s.when) exercised.add(e.type);
      await spec(s);
    });
  });
