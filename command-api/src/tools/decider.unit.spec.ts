import { ConflictError, NotFoundError, type ToolEvent } from '@agent-platform/contracts';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { toolDecider } from './decider.js';

const T = '1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b';
const V1 = '2c3d4e5f-6071-4829-8b3c-4d5e6f7a8b9c';
const V2 = '3d4e5f60-7182-493a-9c4d-5e6f7a8b9cad';
const spec = deciderSpecification(toolDecider);
const invoke = { method: 'GET' as const, path: '/products/search', headers: {}, timeout_ms: 10_000 };
const created: ToolEvent = { type: 'ToolCreated', data: { tool_id: T, code: 'search_products', name: 'Search Products', tool_type: 'http', description: null } };
const version = (version_id: string, version_no: number): ToolEvent => ({
  type: 'ToolVersionCreated',
  data: { tool_id: T, version_id, version_no, input_schema_json: { query: { type: 'string' } }, output_schema_json: {}, invoke_config_json: invoke },
});
const published = (version_id: string): ToolEvent => ({ type: 'ToolVersionPublished', data: { tool_id: T, version_id } });
const newVersion = (version_id: string, status: 'draft' | 'published' = 'draft', workspace_id = 'public') =>
  ({
    type: 'CreateToolVersion',
    data: { tool_id: T, version_id, workspace_id, status, input_schema_json: { query: { type: 'string' } }, output_schema_json: {}, invoke_config_json: invoke },
  }) as const;
const act = (type: 'PublishToolVersion' | 'DeprecateToolVersion', version_id: string) => ({ type, data: { tool_id: T, version_id, workspace_id: 'public' } }) as const;

describe('tool decider', () => {
  it('creates a tool with a free code', () =>
    spec
      .given([])
      .when({ type: 'CreateTool', data: { tool_id: T, workspace_id: 'public', code: 'search_products', name: 'Search Products', tool_type: 'http' } })
      .then([created]));

  it('refuses a code already taken in the workspace', () =>
    spec
      .given([created])
      .when({ type: 'CreateTool', data: { tool_id: T, workspace_id: 'public', code: 'search_products', name: 'Again', tool_type: 'http' } })
      .thenThrows(ConflictError, 'TOOL_CODE_TAKEN'));

  it('numbers versions from 1, as drafts', () => spec.given([created, version(V1, 1)]).when(newVersion(V2)).then([version(V2, 2)]));

  it('creates and publishes a version asked for as published', () =>
    spec.given([created]).when(newVersion(V1, 'published')).then([version(V1, 1), published(V1)]));

  it('refuses a version of a tool that does not exist, or of another workspace', () => {
    spec.given([]).when(newVersion(V1)).thenThrows(NotFoundError, 'TOOL_NOT_FOUND');
    spec.given([created]).when(newVersion(V1, 'draft', 'other')).thenThrows(NotFoundError, 'TOOL_NOT_FOUND');
  });

  it('publishes a draft, and only a draft', () => {
    spec.given([created, version(V1, 1)]).when(act('PublishToolVersion', V1)).then([published(V1)]);
    spec.given([created, version(V1, 1), published(V1)]).when(act('PublishToolVersion', V1)).thenThrows(ConflictError, 'TOOL_VERSION_NOT_DRAFT');
    spec.given([created]).when(act('PublishToolVersion', V1)).thenThrows(NotFoundError, 'TOOL_VERSION_NOT_FOUND');
  });

  it('deprecates a published version, and only a published one', () => {
    spec
      .given([created, version(V1, 1), published(V1)])
      .when(act('DeprecateToolVersion', V1))
      .then([{ type: 'ToolVersionDeprecated', data: { tool_id: T, version_id: V1 } }]);
    spec.given([created, version(V1, 1)]).when(act('DeprecateToolVersion', V1)).thenThrows(ConflictError, 'TOOL_VERSION_NOT_PUBLISHED');
  });
});
