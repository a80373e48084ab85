import {
  TeamMemberAwaitingHuman,
  TeamMemberResumed,
  TeamMemberStepEnded,
  TeamMemberStepStarted,
  TeamRunCancelled,
  TeamRunCompleted,
  TeamRunFailed,
  TeamRunLeased,
  TeamRunPrepared,
  TeamRunQueued,
  TeamRunWaiting,
  type RecordedEvent,
} from '@agent-platform/contracts';
import { projectorOf, type Projection } from '../projector.js';
import { TEAM_RUN_STEPS, TEAM_RUNS } from './schema.js';
import { leaseColumns } from '../runLease.js';

const queued: Projection = (sql, e) => {
  const d = TeamRunQueued.schema.parse(e.data);
  return [
    sql(TEAM_RUNS).insert({
      id: d.team_run_id,
      workspace_id: e.metadata.workspace_id,
      team_id: d.team_id,
      team_version_id: d.team_version_id,
      session_id: d.session_id,
      input_text: d.input_text,
      coordination_mode: d.definition.coordination_mode,
      status: 'queued',
      auto_execute: d.auto_execute,
      dry_run: d.dry_run,
      created_time: e.recorded_at,
      updated_time: e.recorded_at,
    }),
  ];
};

const leased: Projection = (sql, e) => {
  const d = TeamRunLeased.schema.parse(e.data);
  return [
    sql(TEAM_RUNS)
      .where({ id: d.team_run_id })
      .update({
        // A team whose member waits for a person is leased while it stays awaiting_human.
        status: sql.raw(`CASE WHEN status = 'awaiting_human' THEN status ELSE 'running' END`),
        ...leaseColumns(sql, d, e.recorded_at),
      }),
  ];
};

const prepared: Projection = (sql, e) => {
  const d = TeamRunPrepared.schema.parse(e.data);
  return [sql(TEAM_RUNS).where({ id: d.team_run_id }).update({ dry_run: d.dry_run, updated_time: e.recorded_at })];
};

const stepStarted: Projection = (sql, e) => {
  const d = TeamMemberStepStarted.schema.parse(e.data);
  return [
    sql(TEAM_RUN_STEPS).insert({
      team_run_id: d.team_run_id,
      step_no: d.step_no,
      workspace_id: e.metadata.workspace_id,
      member_key: d.member_key,
      agent_id: d.agent_id,
      agent_run_id: d.agent_run_id,
      purpose: d.purpose,
      round: d.round,
      input_text: d.input_text,
      status: 'running',
      started_time: e.recorded_at,
    }),
    sql(TEAM_RUNS).where({ id: d.team_run_id }).update({ steps: d.step_no, updated_time: e.recorded_at }),
  ];
};

/** A waiting team run holds no lease until the last of its members wakes it. */
const waiting: Projection = (sql, e) => {
  const d = TeamRunWaiting.schema.parse(e.data);
  return [sql(TEAM_RUNS).where({ id: d.team_run_id }).update({ waiting: true, lease_expires_at: null, updated_time: e.recorded_at })];
};

/** Once no step is open, the run is awake (`waiting` false) and, unless it ended, waits to be leased again. */
const stepEnded: Projection = (sql, e) => {
  const d = TeamMemberStepEnded.schema.parse(e.data);
  return [
    sql(TEAM_RUN_STEPS)
      .where({ team_run_id: d.team_run_id, step_no: d.step_no })
      .update({ status: d.status, output_text: d.output_text, error: d.error ? JSON.stringify(d.error) : null, finished_time: e.recorded_at }),
    sql(TEAM_RUNS)
      .where({ id: d.team_run_id })
      .update({
        waiting: sql.raw(`waiting AND EXISTS (SELECT 1 FROM ?? WHERE team_run_id = ? AND status IN ('running', 'awaiting_human'))`, [TEAM_RUN_STEPS, d.team_run_id]),
        status: sql.raw(
          `CASE WHEN status IN ('completed', 'failed', 'cancelled') THEN status
                WHEN EXISTS (SELECT 1 FROM ?? WHERE team_run_id = ? AND status = 'awaiting_human') THEN 'awaiting_human' ELSE 'running' END`,
          [TEAM_RUN_STEPS, d.team_run_id],
        ),
        updated_time: e.recorded_at,
      }),
  ];
};

const memberWaits =
  (contract: typeof TeamMemberAwaitingHuman | typeof TeamMemberResumed, stepStatus: string): Projection =>
  (sql, e) => {
    const d = contract.schema.parse(e.data);
    return [
      sql(TEAM_RUN_STEPS).where({ team_run_id: d.team_run_id, step_no: d.step_no }).update({ status: stepStatus }),
      sql(TEAM_RUNS)
        .where({ id: d.team_run_id })
        .update({
          status: sql.raw(`CASE WHEN EXISTS (SELECT 1 FROM ?? WHERE team_run_id = ? AND status = 'awaiting_human') THEN 'awaiting_human' ELSE 'running' END`, [
            TEAM_RUN_STEPS,
            d.team_run_id,
          ]),
          updated_time: e.recorded_at,
        }),
    ];
  };

const ended =
  (changes: (e: RecordedEvent) => { team_run_id: string } & Record<string, unknown>): Projection =>
  (sql, e) => {
    const { team_run_id, ...rest } = changes(e);
    return [sql(TEAM_RUNS).where({ id: team_run_id }).update({ ...rest, waiting: false, lease_expires_at: null, finished_time: e.recorded_at, updated_time: e.recorded_at })];
  };

export const teamRunsProjector = projectorOf('team-runs', [TEAM_RUN_STEPS, TEAM_RUNS], {
  [TeamRunQueued.type]: queued,
  [TeamRunLeased.type]: leased,
  [TeamRunPrepared.type]: prepared,
  [TeamMemberStepStarted.type]: stepStarted,
  [TeamRunWaiting.type]: waiting,
  [TeamMemberStepEnded.type]: stepEnded,
  [TeamMemberAwaitingHuman.type]: memberWaits(TeamMemberAwaitingHuman, 'awaiting_human'),
  [TeamMemberResumed.type]: memberWaits(TeamMemberResumed, 'running'),
  [TeamRunCompleted.type]: ended((e) => {
    const d = TeamRunCompleted.schema.parse(e.data);
    return { team_run_id: d.team_run_id, status: 'completed', output_text: d.answer };
  }),
  [TeamRunFailed.type]: ended((e) => {
    const d = TeamRunFailed.schema.parse(e.data);
    return { team_run_id: d.team_run_id, status: 'failed', error: JSON.stringify(d.error) };
  }),
  [TeamRunCancelled.type]: ended((e) => ({ team_run_id: TeamRunCancelled.schema.parse(e.data).team_run_id, status: 'cancelled' })),
});
