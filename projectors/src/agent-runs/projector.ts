import { AgentRunCancelled, AgentRunCompleted, AgentRunFailed, AgentRunLeased, AgentRunQueued, type RecordedEvent } from '@agent-platform/contracts';
import type { Knex } from '@agent-platform/infra';
import type { Projector } from '../projector.js';

type Apply = (trx: Knex.Transaction, e: RecordedEvent) => Promise<void>;

const queued: Apply = async (trx, e) => {
  const d = AgentRunQueued.schema.parse(e.data);
  await trx('rm_agent_runs').insert({
    id: d.run_id,
    workspace_id: e.metadata.workspace_id,
    agent_id: d.agent_id,
    agent_version_id: d.agent_version_id,
    session_id: d.session_id,
    input_text: d.input_text,
    status: 'queued',
    auto_execute: d.auto_execute,
    dry_run: d.dry_run,
    created_time: e.recorded_at,
    updated_time: e.recorded_at,
  });
};

const leased: Apply = async (trx, e) => {
  const d = AgentRunLeased.schema.parse(e.data);
  await trx('rm_agent_runs')
    .where({ id: d.run_id })
    .update({
      status: 'running',
      worker_key: d.worker_key,
      attempts: d.attempt,
      started_time: trx.raw('coalesce(started_time, ?)', [e.recorded_at]),
      updated_time: e.recorded_at,
    });
};

const ended = (changes: (e: RecordedEvent) => { run_id: string } & Record<string, unknown>): Apply => async (trx, e) => {
  const { run_id, ...rest } = changes(e);
  await trx('rm_agent_runs').where({ id: run_id }).update({ ...rest, finished_time: e.recorded_at, updated_time: e.recorded_at });
};

const handlers: Record<string, Apply> = {
  [AgentRunQueued.type]: queued,
  [AgentRunLeased.type]: leased,
  [AgentRunCompleted.type]: ended((e) => {
    const d = AgentRunCompleted.schema.parse(e.data);
    return { run_id: d.run_id, status: 'completed', output_text: d.answer, prompt_tokens: d.usage.prompt_tokens, completion_tokens: d.usage.completion_tokens };
  }),
  [AgentRunFailed.type]: ended((e) => {
    const d = AgentRunFailed.schema.parse(e.data);
    return { run_id: d.run_id, status: 'failed', error: JSON.stringify(d.error) };
  }),
  [AgentRunCancelled.type]: ended((e) => ({ run_id: AgentRunCancelled.schema.parse(e.data).run_id, status: 'cancelled' })),
};

export const agentRunsProjector: Projector = {
  name: 'agent-runs',
  handles: Object.keys(handlers),
  tables: ['rm_agent_runs'],
  apply: (trx, event) => handlers[event.type]!(trx, event),
};
