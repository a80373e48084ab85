import { SkillAgentRunEnded, SkillCallStarted, SkillRunCancelled, SkillRunDelegated, SkillRunCompleted, SkillRunFailed, SkillRunLeased, SkillRunQueued } from '@agent-platform/contracts';
import { projectorOf, type Projection } from '../projector.js';
import { RUNS } from './schema.js';
import { leaseColumns } from '../runLease.js';

const queued: Projection = (sql, e) => {
  const d = SkillRunQueued.schema.parse(e.data);
  return [
    sql(RUNS).insert({
      id: d.run_id,
      workspace_id: e.metadata.workspace_id,
      skill_id: d.skill_id,
      skill_version_id: d.skill_version_id,
      runtime_type: d.runtime_type,
      status: 'queued',
      input_json: JSON.stringify(d.input_json),
      auto_execute: d.auto_execute,
      created_time: e.recorded_at,
      updated_time: e.recorded_at,
    }),
  ];
};

const leased: Projection = (sql, e) => {
  const d = SkillRunLeased.schema.parse(e.data);
  return [
    sql(RUNS)
      .where({ id: d.run_id })
      .update({
        status: 'running',
        ...leaseColumns(sql, d, e.recorded_at),
      }),
  ];
};

const callStarted: Projection = (sql, e) => {
  const d = SkillCallStarted.schema.parse(e.data);
  return [sql(RUNS).where({ id: d.run_id }).update({ calls: d.attempt, updated_time: e.recorded_at })];
};

/**
 * A run that waits for its agent run holds no lease: the sweeper leaves it to the agent run's end. One whose
 * agent run ended first (`agent_status` is set) waits for nothing and keeps its lease, as its decider has it.
 */
const delegated: Projection = (sql, e) => {
  const d = SkillRunDelegated.schema.parse(e.data);
  return [
    sql(RUNS)
      .where({ id: d.run_id })
      .update({
        agent_run_id: d.agent_run_id,
        status: sql.raw("CASE WHEN agent_status IS NULL THEN 'awaiting_agent' ELSE status END"),
        lease_expires_at: sql.raw('CASE WHEN agent_status IS NULL THEN NULL ELSE lease_expires_at END'),
        updated_time: e.recorded_at,
      }),
  ];
};

/** The agent run ended: a run that waited for it goes on (it is leased next, and ends). */
const agentEnded: Projection = (sql, e) => {
  const d = SkillAgentRunEnded.schema.parse(e.data);
  return [
    sql(RUNS)
      .where({ id: d.run_id })
      .update({ agent_status: d.status, status: sql.raw("CASE WHEN status = 'awaiting_agent' THEN 'running' ELSE status END"), updated_time: e.recorded_at }),
  ];
};

/** An ended run holds no lease: the sweeper never looks at it again. */
const ended =
  (outcome: (data: unknown) => { run_id: string } & Record<string, unknown>): Projection =>
  (sql, e) => {
    const { run_id, ...rest } = outcome(e.data);
    return [sql(RUNS).where({ id: run_id }).update({ ...rest, lease_expires_at: null, finished_time: e.recorded_at, updated_time: e.recorded_at })];
  };

export const skillRunsProjector = projectorOf('skill-runs', [RUNS], {
  [SkillRunQueued.type]: queued,
  [SkillRunLeased.type]: leased,
  [SkillCallStarted.type]: callStarted,
  [SkillRunDelegated.type]: delegated,
  [SkillAgentRunEnded.type]: agentEnded,
  [SkillRunCompleted.type]: ended((data) => {
    const d = SkillRunCompleted.schema.parse(data);
    // JSON text: an output that is a string or an array is stored as jsonb, not as a PostgreSQL value.
    return { run_id: d.run_id, status: 'completed', output_json: JSON.stringify(d.output_json ?? null), output_text: d.output_text, duration_ms: d.duration_ms };
  }),
  [SkillRunFailed.type]: ended((data) => {
    const d = SkillRunFailed.schema.parse(data);
    return { run_id: d.run_id, status: 'failed', error: JSON.stringify(d.error) };
  }),
  [SkillRunCancelled.type]: ended((data) => {
    const d = SkillRunCancelled.schema.parse(data);
    return { run_id: d.run_id, status: 'cancelled' };
  }),
});
