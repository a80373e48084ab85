import { ConflictError, NotFoundError, type ToolCommand, type ToolEvent, type ToolVersionStatus } from '@agent-platform/contracts';
import type { Decider } from '../decider.js';

export type ToolState =
  | { status: 'none' }
  | { status: 'exists'; workspaceId: string; code: string; versions: Record<string, ToolVersionStatus>; versionCount: number };

const existing = (state: ToolState, toolId: string, workspaceId: string) => {
  if (state.status === 'none' || state.workspaceId !== workspaceId) {
    throw new NotFoundError('TOOL_NOT_FOUND', `tool ${toolId} does not exist in this workspace`);
  }
  return state;
};

const versionOf = (state: ToolState & { status: 'exists' }, versionId: string) => {
  const status = state.versions[versionId];
  if (!status) throw new NotFoundError('TOOL_VERSION_NOT_FOUND', `tool version ${versionId} does not exist`);
  return status;
};

/** A tool and its versions. A tool's id derives from its workspace and code, so a code is taken at most once. */
export const toolDecider: Decider<ToolState, ToolCommand, ToolEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'ToolCreated':
        return { status: 'exists', workspaceId: event.metadata.workspace_id, code: event.data.code, versions: {}, versionCount: 0 };
      case 'ToolVersionCreated':
        return state.status === 'none'
          ? state
          : { ...state, versions: { ...state.versions, [event.data.version_id]: 'draft' }, versionCount: event.data.version_no };
      case 'ToolVersionPublished':
        return state.status === 'none' ? state : { ...state, versions: { ...state.versions, [event.data.version_id]: 'published' } };
      case 'ToolVersionDeprecated':
        return state.status === 'none' ? state : { ...state, versions: { ...state.versions, [event.data.version_id]: 'deprecated' } };
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'CreateTool': {
        const { tool_id, code, name, tool_type, description } = command.data;
        if (state.status !== 'none') throw new ConflictError('TOOL_CODE_TAKEN', `a tool with code ${code} already exists in this workspace`);
        return [{ type: 'ToolCreated', data: { tool_id, code, name, tool_type, description: description ?? null } }];
      }
      case 'CreateToolVersion': {
        const { tool_id, version_id, status, input_schema_json, output_schema_json, invoke_config_json } = command.data;
        const tool = existing(state, tool_id, command.data.workspace_id);
        const created: ToolEvent = {
          type: 'ToolVersionCreated',
          data: { tool_id, version_id, version_no: tool.versionCount + 1, input_schema_json, output_schema_json, invoke_config_json },
        };
        return status === 'published' ? [created, { type: 'ToolVersionPublished', data: { tool_id, version_id } }] : [created];
      }
      case 'PublishToolVersion': {
        const { tool_id, version_id } = command.data;
        const current = versionOf(existing(state, tool_id, command.data.workspace_id), version_id);
        if (current !== 'draft') throw new ConflictError('TOOL_VERSION_NOT_DRAFT', `tool version ${version_id} is ${current}; only a draft is published`);
        return [{ type: 'ToolVersionPublished', data: { tool_id, version_id } }];
      }
      case 'DeprecateToolVersion': {
        const { tool_id, version_id } = command.data;
        const current = versionOf(existing(state, tool_id, command.data.workspace_id), version_id);
        if (current !== 'published') {
          throw new ConflictError('TOOL_VERSION_NOT_PUBLISHED', `tool version ${version_id} is ${current}; only a published one is deprecated`);
        }
        return [{ type: 'ToolVersionDeprecated', data: { tool_id, version_id } }];
      }
    }
  },
};
