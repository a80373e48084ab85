import { SCHEDULER_CATEGORY, streamId, type SchedulerCommand, type JobDefinition } from '@agent-platform/contracts';
import { schedulerDecider, sendCommand, type InFlight, type ScheduledJobState, type StreamCursor } from '@agent-platform/command-api/commands';
import type { EventStore } from '@agent-platform/infra';
import type { FireOutcome, JobDispatcher } from './outcome.js';

export type FireDeps = { store: EventStore; dispatch: JobDispatcher; engineId: string; leaseMs: number; misfireGraceMs: number; now: () => number };
type Cursor = StreamCursor<ScheduledJobState>;

/**
 * Job types whose effect is an append keyed by the slot (a run under an id derived from it, an integration
 * event under its command id): made twice, it is made once. Their fire is recorded with its outcome in one
 * append after the effect. An HTTP call is not such an effect, so its fire is recorded before it is made.
 */
const KEYED_BY_SLOT: ReadonlySet<JobDefinition['job_type']> = new Set(['event', 'agent', 'team', 'skill']);

const stream = (jobId: string) => streamId(SCHEDULER_CATEGORY, jobId);

/**
 * One fire of one job at the version this scheduler holds: fire, dispatch, record the outcome. The fire
 * is decided here first (pure), so its slot and attempt are known; the append is then refused if another
 * scheduler fired meanwhile, since the outcome names that slot and attempt. Conflicts throw.
 */
export const fireJob = async (deps: FireDeps, jobId: string, cursor: Cursor): Promise<Cursor> => {
  const { state } = cursor;
  if (state.status === 'none') return cursor;
  const ref = { job_id: jobId, workspace_id: state.workspaceId };
  const context = { workspaceId: state.workspaceId, correlationId: jobId };
  const fire: SchedulerCommand = {
    type: 'FireScheduledJob',
    data: { ...ref, now: new Date(deps.now()).toISOString(), lease_ms: deps.leaseMs, grace_ms: deps.misfireGraceMs, fired_by: deps.engineId, from_worker: false },
  };
  const record = (inFlight: InFlight, outcome: FireOutcome): SchedulerCommand => ({
    type: 'RecordScheduledJobFire',
    data: {
      ...ref,
      now: new Date(deps.now()).toISOString(),
      slot: inFlight.slot,
      attempt: inFlight.attempt,
      by: deps.engineId,
      from_worker: false,
      outcome: outcome.ok ? 'succeeded' : 'failed',
      result_json: outcome.ok ? outcome.result : {},
      error: outcome.ok ? null : outcome.error,
    },
  });
  // A cancel or pause meanwhile changes only what follows: deciding again is right, and refuses a slot another fired.
  const options = { retryOnConflict: 3 };

  const decided = schedulerDecider.decide(fire, state);
  const firedEvent = decided.find((e) => e.type === 'ScheduledJobFired');
  if (!firedEvent) return (await sendCommand(deps.store, schedulerDecider, stream(jobId), fire, context, { ...options, known: cursor })).cursor!;
  const { slot, attempt, lease_until } = firedEvent.data;
  const inFlight: InFlight = { slot, attempt, firedBy: deps.engineId, leaseUntil: lease_until };

  if (KEYED_BY_SLOT.has(state.job.job_type)) {
    const outcome = await deps.dispatch(state.job, inFlight, { ...context, jobId });
    return (await sendCommand(deps.store, schedulerDecider, stream(jobId), [fire, record(inFlight, outcome)], context, { ...options, known: cursor })).cursor!;
  }
  const fired = await sendCommand(deps.store, schedulerDecider, stream(jobId), fire, context, { ...options, known: cursor });
  const held = fired.cursor!.state;
  if (held.status === 'none' || !held.fire || held.fire.firedBy !== deps.engineId || held.fire.slot !== slot || held.fire.attempt !== attempt) return fired.cursor!;
  const outcome = await deps.dispatch(held.job, held.fire, { ...context, jobId });
  return (await sendCommand(deps.store, schedulerDecider, stream(jobId), record(held.fire, outcome), context, { ...options, known: fired.cursor! })).cursor!;
};
