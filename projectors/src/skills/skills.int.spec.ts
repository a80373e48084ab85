import { skillsProjection } from './module.js';
import { describeProjection, SPEC_TIME } from '../testing/projectionSpecification.js';

const SKILL = '33333333-3333-4333-8333-333333333333';
const V1 = '00000000-0000-4000-8000-0000000000c1';
const INSTALLATION = '44444444-4444-4444-8444-444444444444';
const RUN = '55555555-5555-4555-8555-555555555555';
const LEASE = '66666666-6666-4666-8666-666666666666';
const T1 = '2026-01-01T00:01:00.000Z';
const T2 = '2026-01-01T00:02:00.000Z';
const workspace = { workspace_id: 'ws-1' };
const definition = {
  runtime_type: 'template',
  parameter_schema_json: { name: { type: 'string' } },
  output_schema_json: {},
  implementation_json: { template: 'Hello $name' },
};
const created = {
  type: 'SkillCreated',
  data: { skill_id: SKILL, code: 'hello_user', name: 'Hello User', skill_type: 'template', description: null },
  metadata: workspace,
};
const versionCreated = { type: 'SkillVersionCreated', data: { skill_id: SKILL, version_id: V1, version_no: 1, ...definition }, metadata: workspace };
const published = { type: 'SkillVersionPublished', data: { skill_id: SKILL, version_id: V1 }, metadata: workspace, at: T1 };
const archived = { type: 'SkillVersionArchived', data: { skill_id: SKILL, version_id: V1 }, metadata: workspace, at: T2 };
const installation = { skill_id: SKILL, install_scope: 'workspace', scope_id: 't1', installed_by: 'user-1' };
const installed = (at = SPEC_TIME, installed_by = 'user-1') => ({
  type: 'SkillInstalled',
  data: { installation_id: INSTALLATION, ...installation, installed_by },
  metadata: workspace,
  at,
});
const uninstalled = { type: 'SkillUninstalled', data: { installation_id: INSTALLATION, skill_id: SKILL, uninstalled_by: 'user-2' }, metadata: workspace, at: T1 };
const queued = {
  type: 'SkillRunQueued',
  data: { run_id: RUN, skill_id: SKILL, skill_version_id: V1, runtime_type: 'template', input_json: { name: 'Lucas' }, auto_execute: false },
  metadata: workspace,
};
const leased = { type: 'SkillRunLeased', data: { run_id: RUN, worker_key: 'w1', lease_id: LEASE, lease_expires_at: T2, attempt: 1 }, metadata: workspace, at: T1 };
const run = { table: 'rm_skill_runs' };

describeProjection('skills projection', skillsProjection, (spec) => {
  describe('definitions', () => {
    it('lists a created skill in its workspace with no versions', () =>
      spec({
        when: [created],
        then: { table: 'rm_skills', rows: [{ id: SKILL, workspace_id: 'ws-1', code: 'hello_user', skill_type: 'template', version_count: 0, latest_published_version_id: null }] },
      }));
    it('keeps a version as a draft with its runtime, schemas and implementation', () =>
      spec({
        given: [created],
        when: [versionCreated],
        then: { table: 'rm_skill_versions', rows: [{ id: V1, skill_id: SKILL, version_no: 1, status: 'draft', ...definition }] },
      }));
    it('makes a published version the default', () =>
      spec({
        given: [created, versionCreated],
        when: [published],
        then: [
          { table: 'rm_skills', rows: [{ id: SKILL, latest_published_version_id: V1 }] },
          { table: 'rm_skill_versions', rows: [{ id: V1, status: 'published', published_time: new Date(T1) }] },
        ],
      }));
    it('has no default once its only published version is archived', () =>
      spec({
        given: [created, versionCreated, published],
        when: [archived],
        then: [
          { table: 'rm_skills', rows: [{ id: SKILL, latest_published_version_id: null }] },
          { table: 'rm_skill_versions', rows: [{ id: V1, status: 'archived' }] },
        ],
      }));
  });

  describe('installations', () => {
    it('lists an installation with its scope and who installed it', () =>
      spec({ when: [installed()], then: { table: 'rm_skill_installations', rows: [{ id: INSTALLATION, workspace_id: 'ws-1', ...installation, status: 'installed', uninstalled_by: null }] } }));
    it('keeps an uninstalled installation, saying so and by whom', () =>
      spec({
        given: [installed()],
        when: [uninstalled],
        then: { table: 'rm_skill_installations', rows: [{ id: INSTALLATION, status: 'uninstalled', uninstalled_by: 'user-2', updated_time: new Date(T1) }] },
      }));
    it('reinstates an installation installed again, on its first row', () =>
      spec({
        given: [installed(), uninstalled],
        when: [installed(T2, 'user-3')],
        then: {
          table: 'rm_skill_installations',
          rows: [{ id: INSTALLATION, status: 'installed', installed_by: 'user-3', uninstalled_by: null, created_time: new Date(SPEC_TIME), updated_time: new Date(T2) }],
        },
      }));
  });

  describe('runs', () => {
    it('lists a queued run with its input and runtime', () =>
      spec({
        when: [queued],
        then: { ...run, rows: [{ id: RUN, skill_version_id: V1, runtime_type: 'template', status: 'queued', input_json: { name: 'Lucas' }, attempts: 0, calls: 0, output_json: null }] },
      }));
    it('shows a leased run running, by whom and until when', () =>
      spec({
        given: [queued],
        when: [leased],
        then: { ...run, rows: [{ id: RUN, status: 'running', worker_key: 'w1', attempts: 1, lease_expires_at: new Date(T2), started_time: new Date(T1) }] },
      }));
    it('counts the starts of the run’s call', () =>
      spec({
        given: [queued, leased],
        when: [{ type: 'SkillCallStarted', data: { run_id: RUN, idempotency_key: `${RUN}:call`, attempt: 2 }, metadata: workspace }],
        then: { ...run, rows: [{ id: RUN, calls: 2 }] },
      }));
    it('keeps a completed run’s output, and drops its lease so no sweeper looks at it again', () =>
      spec({
        given: [queued, leased],
        when: [{ type: 'SkillRunCompleted', data: { run_id: RUN, output_json: { text: 'Hello Lucas' }, output_text: 'Hello Lucas', duration_ms: 1.5 }, metadata: workspace, at: T2 }],
        then: {
          ...run,
          rows: [{ id: RUN, status: 'completed', output_json: { text: 'Hello Lucas' }, output_text: 'Hello Lucas', duration_ms: 1.5, lease_expires_at: null, finished_time: new Date(T2) }],
        },
      }));
    it('keeps an output that is a JSON string or array as JSON', () =>
      spec({
        given: [queued, leased],
        when: [{ type: 'SkillRunCompleted', data: { run_id: RUN, output_json: ['a', 1], output_text: null, duration_ms: 1 }, metadata: workspace }],
        then: { ...run, rows: [{ id: RUN, output_json: ['a', 1] }] },
      }));
    it('keeps a failed run’s error', () =>
      spec({
        given: [queued, leased],
        when: [{ type: 'SkillRunFailed', data: { run_id: RUN, error: { code: 'SKILL_TEMPLATE_KEY_MISSING', message: 'no "name"' } }, metadata: workspace }],
        then: { ...run, rows: [{ id: RUN, status: 'failed', error: { code: 'SKILL_TEMPLATE_KEY_MISSING', message: 'no "name"' }, lease_expires_at: null }] },
      }));
    const AGENT_RUN = '77777777-7777-4777-8777-777777777777';
    const delegated = { type: 'SkillRunDelegated', data: { run_id: RUN, agent_run_id: AGENT_RUN }, metadata: workspace };
    const agentEnded = {
      type: 'SkillAgentRunEnded',
      data: { run_id: RUN, agent_run_id: AGENT_RUN, status: 'completed', answer: 'Hi', error: null },
      metadata: workspace,
    };
    it('shows a run that waits for its agent run waiting, holding no lease', () =>
      spec({ given: [queued, leased], when: [delegated], then: { ...run, rows: [{ id: RUN, status: 'awaiting_agent', agent_run_id: AGENT_RUN, lease_expires_at: null }] } }));
    it('shows a run whose agent run ended going on', () =>
      spec({ given: [queued, leased, delegated], when: [agentEnded], then: { ...run, rows: [{ id: RUN, status: 'running', agent_status: 'completed' }] } }));
    it('keeps a run whose agent run ended before it recorded its wait running, under its lease', () =>
      spec({
        given: [queued, leased, agentEnded],
        when: [delegated],
        then: { ...run, rows: [{ id: RUN, status: 'running', agent_run_id: AGENT_RUN, lease_expires_at: new Date(T2) }] },
      }));
    it('shows a cancelled run cancelled', () =>
      spec({
        given: [queued, leased],
        when: [{ type: 'SkillRunCancelled', data: { run_id: RUN, reason: null }, metadata: workspace }],
        then: { ...run, rows: [{ id: RUN, status: 'cancelled', lease_expires_at: null }] },
      }));
  });
});
