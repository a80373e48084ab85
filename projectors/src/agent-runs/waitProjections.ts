import { AgentRunAwaitingHuman, AgentRunPaused, AgentRunResumed, AgentRunUnpaused } from '@agent-platform/contracts';
import type { Projection } from '../projector.js';
import { upsertInvocation } from './invocationRows.js';
import { INVOCATIONS, RUNS } from './schema.js';

/**
 * A run that waits holds no lease and says what it waits for. A call that waits for an approval gets its
 * row now, with the proposed input and its hash; the start that follows an approval sets the input called.
 */
const awaiting: Projection = (sql, e) => {
  const d = AgentRunAwaitingHuman.schema.parse(e.data);
  const waitingFor = { reason: d.reason, task_id: d.task_id, invocation_id: d.invocation_id, step: d.step };
  const run = sql(RUNS).where({ id: d.run_id }).update({ status: 'awaiting_human', lease_expires_at: null, waiting_for: JSON.stringify(waitingFor), updated_time: e.recorded_at });
  const subject = d.task.subject;
  if (!subject) return [run];
  const approval = { task_id: d.task_id, outcome: null, acted_by: null, proposed_input_hash: subject.input_hash, approved_input_hash: null, edited: null, comment: null };
  const row = {
    id: d.invocation_id,
    workspace_id: e.metadata.workspace_id,
    run_id: d.run_id,
    step: d.step,
    tool_id: subject.kind === 'tool' ? subject.ref_id : null,
    tool_version_id: subject.kind === 'tool' ? subject.version_id : null,
    tool_code: subject.code,
    status: 'awaiting_human',
    input_json: JSON.stringify(subject.input_json),
    idempotency_key: '',
    approval: JSON.stringify(approval),
    created_time: e.recorded_at,
  };
  return [run, upsertInvocation(sql, row, { status: 'awaiting_human', approval: row.approval })];
};

/**
 * The decision ends the wait. The run's lease is said to have run out at once: the reaction that recorded
 * the decision drives the run on, and should it die first, the sweeper finds the run among the expired leases.
 */
const resumed: Projection = (sql, e) => {
  const d = AgentRunResumed.schema.parse(e.data);
  const decided = { outcome: d.outcome, acted_by: d.acted_by, approved_input_hash: d.approved_input?.input_hash ?? null, edited: d.approved_input?.edited ?? null, comment: d.comment };
  return [
    sql(RUNS).where({ id: d.run_id }).update({ status: 'running', lease_expires_at: e.recorded_at, waiting_for: null, updated_time: e.recorded_at }),
    sql(INVOCATIONS)
      .where({ run_id: d.run_id })
      .whereRaw("approval->>'task_id' = ?", [d.task_id])
      .update({ approval: sql.raw('approval || ?::jsonb', [JSON.stringify(decided)]) }),
  ];
};

/** Stopped by a person: no lease, and what moves it on (the takeover task, or `resume`). */
const paused: Projection = (sql, e) => {
  const d = AgentRunPaused.schema.parse(e.data);
  const waitingFor = { reason: d.mode, task_id: d.task_id, invocation_id: null, step: d.after_step };
  return [sql(RUNS).where({ id: d.run_id }).update({ status: 'awaiting_human', lease_expires_at: null, waiting_for: JSON.stringify(waitingFor), updated_time: e.recorded_at })];
};
/** Given back: leasable at once, as after a decision (`resumed`). */
const unpaused: Projection = (sql, e) => {
  const d = AgentRunUnpaused.schema.parse(e.data);
  return [sql(RUNS).where({ id: d.run_id }).update({ status: 'running', lease_expires_at: e.recorded_at, waiting_for: null, updated_time: e.recorded_at })];
};

/** How the runs read model follows a run's waits for people (approvals, questions, pauses, takeovers). */
export const waitProjections: Record<string, Projection> = {
  [AgentRunAwaitingHuman.type]: awaiting,
  [AgentRunResumed.type]: resumed,
  [AgentRunPaused.type]: paused,
  [AgentRunUnpaused.type]: unpaused,
};
