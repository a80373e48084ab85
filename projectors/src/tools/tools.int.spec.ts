import { toolsProjection } from './module.js';
import { describeProjection, SPEC_TIME } from '../testing/projectionSpecification.js';

const TOOL = '33333333-3333-4333-8333-333333333333';
const V1 = '00000000-0000-4000-8000-0000000000b1';
const V2 = '00000000-0000-4000-8000-0000000000b2';
const T1 = '2026-01-01T00:01:00.000Z';
const T2 = '2026-01-01T00:02:00.000Z';
const workspace = { workspace_id: 'ws-1' };

const created = {
  type: 'ToolCreated',
  data: { tool_id: TOOL, code: 'orders', name: 'Orders', tool_type: 'http', description: 'Looks orders up' },
  metadata: workspace,
};
const definition = {
  input_schema_json: { type: 'object', properties: { order_id: { type: 'string' } } },
  output_schema_json: {},
  invoke_config_json: { method: 'GET', base_url: 'https://orders.example', path: '/orders', headers: {}, timeout_ms: 5000 },
};
const versionCreated = (version_id: string, version_no: number) => ({
  type: 'ToolVersionCreated',
  data: { tool_id: TOOL, version_id, version_no, ...definition },
  metadata: workspace,
});
const published = (version_id: string, at = T1) => ({ type: 'ToolVersionPublished', data: { tool_id: TOOL, version_id }, metadata: workspace, at });
const deprecated = (version_id: string, at = T2) => ({ type: 'ToolVersionDeprecated', data: { tool_id: TOOL, version_id }, metadata: workspace, at });

describeProjection('tools projection', toolsProjection, (spec) => {
  it('lists a created tool in its workspace with no versions and no default version', () =>
    spec({
      when: [created],
      then: {
        table: 'rm_tools',
        rows: [
          {
            id: TOOL,
            workspace_id: 'ws-1',
            code: 'orders',
            name: 'Orders',
            tool_type: 'http',
            description: 'Looks orders up',
            version_count: 0,
            latest_published_version_id: null,
            created_time: new Date(SPEC_TIME),
          },
        ],
      },
    }));

  it('keeps a created version as a draft with its schemas and invoke config, and counts it on the tool', () =>
    spec({
      given: [created],
      when: [versionCreated(V1, 1)],
      then: [
        { table: 'rm_tools', rows: [{ id: TOOL, version_count: 1, latest_published_version_id: null }] },
        { table: 'rm_tool_versions', rows: [{ id: V1, workspace_id: 'ws-1', tool_id: TOOL, version_no: 1, status: 'draft', published_time: null, ...definition }] },
      ],
    }));

  it('makes a published version the tool’s default, stamped with the time it was published', () =>
    spec({
      given: [created, versionCreated(V1, 1)],
      when: [published(V1, T1)],
      then: [
        { table: 'rm_tools', rows: [{ id: TOOL, latest_published_version_id: V1, updated_time: new Date(T1) }] },
        { table: 'rm_tool_versions', rows: [{ id: V1, status: 'published', published_time: new Date(T1) }] },
      ],
    }));

  it('keeps the newest published version as the default when an older one is published after it', () =>
    spec({
      given: [created, versionCreated(V1, 1), versionCreated(V2, 2), published(V2)],
      when: [published(V1)],
      then: { table: 'rm_tools', rows: [{ id: TOOL, version_count: 2, latest_published_version_id: V2 }] },
    }));

  it('falls back to the newest version still published when the default is deprecated', () =>
    spec({
      given: [created, versionCreated(V1, 1), versionCreated(V2, 2), published(V1), published(V2)],
      when: [deprecated(V2)],
      then: [
        { table: 'rm_tools', rows: [{ id: TOOL, latest_published_version_id: V1, updated_time: new Date(T2) }] },
        { table: 'rm_tool_versions', rows: [{ id: V1, status: 'published' }, { id: V2, status: 'deprecated', published_time: new Date(T1) }] },
      ],
    }));

  it('has no default version once its only published version is deprecated', () =>
    spec({
      given: [created, versionCreated(V1, 1), published(V1)],
      when: [deprecated(V1)],
      then: { table: 'rm_tools', rows: [{ id: TOOL, latest_published_version_id: null }] },
    }));
});
