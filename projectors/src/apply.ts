import { createHash } from 'node:crypto';
import type { RecordedEvent } from '@agent-platform/contracts';
import {
  advanceCheckpoint,
  claimFreshPage,
  claimPage,
  isPageAlreadyApplied,
  pipelinedTransaction,
  requireUpcast,
  type Knex,
  type LogCheckpoint,
  type Pool,
  type Statement,
} from '@agent-platform/infra';
import type { ProjectionServices, ProjectionStatement, Projector } from './projector.js';
import { ProjectionThrew } from './projectionThrew.js';

export const positionOf = (event: RecordedEvent): LogCheckpoint => ({ transactionId: event.transaction_id, globalPosition: event.global_position });

export const after = (a: LogCheckpoint, b: LogCheckpoint): boolean => {
  const ta = BigInt(a.transactionId);
  const tb = BigInt(b.transactionId);
  return ta > tb || (ta === tb && a.globalPosition > b.globalPosition);
};

const statementsOf = (projector: Projector, sql: Knex, event: RecordedEvent, prepared: unknown): ProjectionStatement[] => {
  // An event its upcasters could not lift is not in the shape a projection expects: `UpcastFailed`, parked.
  requireUpcast(event);
  try {
    return projector.project(sql, event, prepared);
  } catch (error) {
    throw new ProjectionThrew(event, error);
  }
};

/**
 * Named after its text, so each connection prepares it once: planning the projections' small statements
 * cost PostgreSQL more than running them. Projectors build them from a fixed set of shapes (no lists of
 * varying length), so the names stay few, and each is hashed once.
 */
const nameOf = new Map<string, string>();
const compiled = (statement: ProjectionStatement): Statement => {
  const { sql, bindings } = statement.toSQL().toNative();
  let name = nameOf.get(sql);
  if (!name) nameOf.set(sql, (name = `ap_projection_${createHash('sha1').update(sql).digest('base64url')}`));
  return { name, text: sql, values: bindings };
};

/**
 * The page when its checkpoint already covers some of it (another instance, or an earlier attempt,
 * applied them): statement by statement, skipping the events at or before the stored checkpoint.
 */
const applyAfterStored = (knex: Knex, projector: Projector, events: readonly RecordedEvent[], checkpoint: LogCheckpoint, prepared: unknown) =>
  knex.transaction(async (trx) => {
    const stored = await claimPage(trx, projector.name, checkpoint);
    let applied = 0;
    for (const event of events) {
      if (!after(positionOf(event), stored)) continue;
      for (const statement of statementsOf(projector, trx, event, prepared)) await statement;
      applied++;
    }
    return applied;
  });

/**
 * Applies a page of the log and moves the checkpoint in one transaction, so each event changes the read
 * model exactly once. The page goes to PostgreSQL in one round trip: the checkpoint's claim, then every
 * statement of every event. Should the claim find part of the page applied already, the page is applied
 * again from the stored checkpoint on, the slow way.
 */
export type ProjectionDb = { knex: Knex; pool: Pool; services?: ProjectionServices };

export const applyPage = async (
  db: ProjectionDb,
  projector: Projector,
  events: readonly RecordedEvent[],
  checkpoint: LogCheckpoint,
): Promise<number> => {
  if (events.length === 0) {
    await advanceCheckpoint(db.knex, projector.name, checkpoint);
    return 0;
  }
  const prepared = projector.prepare ? await projector.prepare(events, db.services ?? {}) : undefined;
  const statements = events.flatMap((event) => statementsOf(projector, db.knex, event, prepared).map(compiled));
  try {
    await pipelinedTransaction(db.pool, [claimFreshPage(projector.name, positionOf(events[0]!), checkpoint), ...statements]);
    return events.length;
  } catch (error) {
    if (!isPageAlreadyApplied(error)) throw error;
    return applyAfterStored(db.knex, projector, events, checkpoint, prepared);
  }
};
