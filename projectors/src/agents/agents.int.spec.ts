import { agentsProjection } from './module.js';
import { describeProjection, SPEC_TIME } from '../testing/projectionSpecification.js';

const A = '22222222-2222-4222-8222-222222222222';
const V1 = '00000000-0000-4000-8000-0000000000a1';
const V2 = '00000000-0000-4000-8000-0000000000a2';
const T1 = '2026-01-01T00:01:00.000Z';
const T2 = '2026-01-01T00:02:00.000Z';
const workspace = { workspace_id: 'ws-1' };

const created = {
  type: 'AgentCreated',
  data: { agent_id: A, code: 'support', name: 'Support', agent_type: 'assistant', description: null },
  metadata: workspace,
};
const definition = {
  role: 'helper',
  goal: 'answer',
  system_prompt: 'Be brief.',
  model_config: { react_enabled: false, react_max_steps: 5, ask_human_enabled: false },
  memory_policy: { enabled: false, memory_scope: 'session', read_top_k: 5, write_enabled: false, config_json: {} },
  tool_refs: [{ tool_code: 'orders', required: true, requires_approval: false, selection_keywords: [], config_json: {} }],
  skill_refs: [],
  knowledge_refs: [{ knowledge_base_id: '44444444-4444-4444-8444-444444444444', top_k: 3 }],
};
const versionCreated = (version_id: string, version_no: number) => ({
  type: 'AgentVersionCreated',
  data: { agent_id: A, version_id, version_no, ...definition },
  metadata: workspace,
});
const published = (version_id: string, at = T1) => ({ type: 'AgentVersionPublished', data: { agent_id: A, version_id }, metadata: workspace, at });
const archived = (version_id: string, at = T2) => ({ type: 'AgentVersionArchived', data: { agent_id: A, version_id }, metadata: workspace, at });

describeProjection('agents projection', agentsProjection, (spec) => {
  it('lists a created agent in its workspace with no versions and no default version', () =>
    spec({
      when: [created],
      then: {
        table: 'rm_agents',
        rows: [
          {
            id: A,
            workspace_id: 'ws-1',
            code: 'support',
            name: 'Support',
            agent_type: 'assistant',
            description: null,
            version_count: 0,
            latest_published_version_id: null,
            created_time: new Date(SPEC_TIME),
          },
        ],
      },
    }));

  it('keeps a created version as a draft with its whole definition, and counts it on the agent', () =>
    spec({
      given: [created],
      when: [versionCreated(V1, 1)],
      then: [
        { table: 'rm_agents', rows: [{ id: A, version_count: 1, latest_published_version_id: null }] },
        {
          table: 'rm_agent_versions',
          rows: [{ id: V1, workspace_id: 'ws-1', agent_id: A, version_no: 1, status: 'draft', published_time: null, ...definition }],
        },
      ],
    }));

  it('keeps a version recorded at version 1, lifted by its upcaster, as one that searches no knowledge base', () => {
    const { knowledge_refs: _new, ...v1 } = versionCreated(V1, 1).data;
    return spec({
      given: [created],
      when: [{ ...versionCreated(V1, 1), data: v1, schema_version: 1 }],
      then: { table: 'rm_agent_versions', rows: [{ id: V1, knowledge_refs: [], skill_refs: [] }] },
    });
  });

  it('makes a published version the agent’s default, stamped with the time it was published', () =>
    spec({
      given: [created, versionCreated(V1, 1)],
      when: [published(V1, T1)],
      then: [
        { table: 'rm_agents', rows: [{ id: A, latest_published_version_id: V1, updated_time: new Date(T1) }] },
        { table: 'rm_agent_versions', rows: [{ id: V1, status: 'published', published_time: new Date(T1) }] },
      ],
    }));

  it('keeps the newest published version as the default when an older one is published after it', () =>
    spec({
      given: [created, versionCreated(V1, 1), versionCreated(V2, 2), published(V2)],
      when: [published(V1)],
      then: { table: 'rm_agents', rows: [{ id: A, version_count: 2, latest_published_version_id: V2 }] },
    }));

  it('falls back to the newest version still published when the default is archived', () =>
    spec({
      given: [created, versionCreated(V1, 1), versionCreated(V2, 2), published(V1), published(V2)],
      when: [archived(V2)],
      then: [
        { table: 'rm_agents', rows: [{ id: A, latest_published_version_id: V1, updated_time: new Date(T2) }] },
        { table: 'rm_agent_versions', rows: [{ id: V1, status: 'published' }, { id: V2, status: 'archived', published_time: new Date(T1) }] },
      ],
    }));

  it('has no default version once its only published version is archived', () =>
    spec({
      given: [created, versionCreated(V1, 1), published(V1)],
      when: [archived(V1)],
      then: { table: 'rm_agents', rows: [{ id: A, latest_published_version_id: null }] },
    }));
});
