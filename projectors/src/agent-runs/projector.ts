import {
  AgentRunCancelled,
  AgentRunCompleted,
  AgentRunFailed,
  AgentRunLeased,
  AgentRunPrepared,
  AgentRunQueued,
  MemoryWritten,
  ModelCallCompleted,
  ToolInvocationCompleted,
  ToolInvocationFailed,
  ToolInvocationSelected,
  ToolInvocationSkipped,
  ToolInvocationStarted,
  type InvocationStart,
  type RecordedEvent,
} from '@agent-platform/contracts';
import { projectorOf, type Projection } from '../projector.js';
import { INVOCATIONS, RUNS } from './schema.js';
import { upsertInvocation } from './invocationRows.js';
import { waitProjections } from './waitProjections.js';
import { leaseColumns } from '../runLease.js';

const queued: Projection = (sql, e) => {
  const d = AgentRunQueued.schema.parse(e.data);
  return [
    sql(RUNS).insert({
      id: d.run_id,
      workspace_id: e.metadata.workspace_id,
      agent_id: d.agent_id,
      agent_version_id: d.agent_version_id,
      session_id: d.session_id,
      team_run_id: d.team_run_id,
      member_key: d.member_key,
      input_text: d.input_text,
      status: 'queued',
      auto_execute: d.auto_execute,
      dry_run: d.dry_run,
      created_time: e.recorded_at,
      updated_time: e.recorded_at,
    }),
  ];
};

const leased: Projection = (sql, e) => {
  const d = AgentRunLeased.schema.parse(e.data);
  return [
    sql(RUNS)
      .where({ id: d.run_id })
      .update({
        status: 'running',
        ...leaseColumns(sql, d, e.recorded_at),
      }),
  ];
};

const prepared: Projection = (sql, e) => {
  const d = AgentRunPrepared.schema.parse(e.data);
  // JSON text: knex+pg would send a JS array as a PostgreSQL array, not as jsonb.
  return [
    sql(RUNS)
      .where({ id: d.run_id })
      .update({
        dry_run: d.dry_run,
        selected_tool_refs: JSON.stringify(d.selected_tool_refs),
        selected_skill_refs: JSON.stringify(d.selected_skill_refs),
        memory: JSON.stringify(d.memory),
        citations: JSON.stringify(d.citations),
        updated_time: e.recorded_at,
      }),
  ];
};

/** A memory a run wrote (its provenance names the run): the run's memory now says `written`. Another workspace's run is never touched. */
const memoryWritten: Projection = (sql, e) => {
  const { provenance } = MemoryWritten.schema.parse(e.data);
  if (!provenance) return [];
  return [
    sql(RUNS)
      .where({ id: provenance.run_id, workspace_id: e.metadata.workspace_id })
      .whereNotNull('memory')
      .update({ memory: sql.raw(`memory || '{"write":"written"}'::jsonb`), updated_time: e.recorded_at }),
  ];
};

/** Usage adds up call by call while the run goes; `AgentRunCompleted` then states the total. */
const modelCalled: Projection = (sql, e) => {
  const d = ModelCallCompleted.schema.parse(e.data);
  return [
    sql(RUNS)
      .where({ id: d.run_id })
      .update({
        steps: d.step,
        prompt_tokens: sql.raw('prompt_tokens + ?', [d.usage.prompt_tokens]),
        completion_tokens: sql.raw('completion_tokens + ?', [d.usage.completion_tokens]),
        updated_time: e.recorded_at,
      }),
  ];
};

const ended =
  (changes: (e: RecordedEvent) => { run_id: string } & Record<string, unknown>): Projection =>
  (sql, e) => {
    const { run_id, ...rest } = changes(e);
    // A run that ended holds no lease, whoever held it last.
    return [
      sql(RUNS)
        .where({ id: run_id })
        .update({ ...rest, lease_expires_at: null, waiting_for: null, finished_time: e.recorded_at, updated_time: e.recorded_at }),
    ];
  };

/** The row an invocation event creates when it is the first one recorded for the invocation. */
const invocationRow = (e: RecordedEvent, d: InvocationStart, status: string) => ({
  id: d.invocation_id,
  workspace_id: e.metadata.workspace_id,
  run_id: d.run_id,
  step: d.step,
  tool_id: d.tool_id,
  tool_version_id: d.tool_version_id,
  tool_code: d.tool_code,
  status,
  input_json: JSON.stringify(d.input_json),
  idempotency_key: d.idempotency_key,
  created_time: e.recorded_at,
});

const selected: Projection = (sql, e) => {
  const d = ToolInvocationSelected.schema.parse(e.data);
  return [
    upsertInvocation(sql, invocationRow(e, d, 'selected'), { status: 'selected' }),
  ];
};

/** A retried call counts one more attempt; `started_time` is the newest start, the one whose outcome gets recorded. */
const started: Projection = (sql, e) => {
  const d = ToolInvocationStarted.schema.parse(e.data);
  return [
    upsertInvocation(
      sql,
      { ...invocationRow(e, d, 'running'), attempts: 1, started_time: e.recorded_at },
      // The input called, which for a call that waited is the approved one, not the one proposed.
      { status: 'running', input_json: JSON.stringify(d.input_json), idempotency_key: d.idempotency_key, attempts: sql.raw('??.attempts + 1', [INVOCATIONS]), started_time: e.recorded_at },
    ),
  ];
};

/** Always preceded by its `ToolInvocationStarted` (the decider completes only a running call), which wrote the row. */
const completed: Projection = (sql, e) => {
  const d = ToolInvocationCompleted.schema.parse(e.data);
  return [
    sql(INVOCATIONS)
      .where({ id: d.invocation_id })
      .update({
        status: 'completed',
        output_json: d.output_json === undefined ? null : JSON.stringify(d.output_json),
        duration_ms: d.duration_ms,
        finished_time: e.recorded_at,
      }),
  ];
};

const failed: Projection = (sql, e) => {
  const d = ToolInvocationFailed.schema.parse(e.data);
  const outcome = { status: 'failed', error: JSON.stringify(d.error), duration_ms: d.duration_ms, idempotency_key: d.idempotency_key, finished_time: e.recorded_at };
  return [
    upsertInvocation(sql, { ...invocationRow(e, d, 'failed'), ...outcome }, outcome),
  ];
};

/** The view has no field for why a call was skipped, so the reason is its `error`, with the code `SKIPPED`. */
const skipped: Projection = (sql, e) => {
  const d = ToolInvocationSkipped.schema.parse(e.data);
  const outcome = { status: 'skipped', error: JSON.stringify({ code: 'SKIPPED', message: d.reason }), idempotency_key: d.idempotency_key, finished_time: e.recorded_at };
  return [
    upsertInvocation(sql, { ...invocationRow(e, d, 'skipped'), ...outcome }, outcome),
  ];
};

export const agentRunsProjector = projectorOf('agent-runs', [INVOCATIONS, RUNS], {
  [AgentRunQueued.type]: queued,
  [AgentRunLeased.type]: leased,
  [AgentRunPrepared.type]: prepared,
  [ModelCallCompleted.type]: modelCalled,
  [ToolInvocationSelected.type]: selected,
  [ToolInvocationStarted.type]: started,
  [ToolInvocationCompleted.type]: completed,
  [ToolInvocationFailed.type]: failed,
  [ToolInvocationSkipped.type]: skipped,
  ...waitProjections,
  [AgentRunCompleted.type]: ended((e) => {
    const d = AgentRunCompleted.schema.parse(e.data);
    return { run_id: d.run_id, status: 'completed', output_text: d.answer, prompt_tokens: d.usage.prompt_tokens, completion_tokens: d.usage.completion_tokens };
  }),
  [AgentRunFailed.type]: ended((e) => {
    const d = AgentRunFailed.schema.parse(e.data);
    return { run_id: d.run_id, status: 'failed', error: JSON.stringify(d.error) };
  }),
  [AgentRunCancelled.type]: ended((e) => ({ run_id: AgentRunCancelled.schema.parse(e.data).run_id, status: 'cancelled' })),
  [MemoryWritten.type]: memoryWritten,
});
