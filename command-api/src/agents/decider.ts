import { ConflictError, NotFoundError, type AgentCommand, type AgentEvent, type AgentVersionStatus } from '@agent-platform/contracts';
import type { Decider } from '../decider.js';

export type AgentState =
  | { status: 'none' }
  | { status: 'exists'; workspaceId: string; versions: Record<string, AgentVersionStatus>; versionCount: number };

const existing = (state: AgentState, agentId: string, workspaceId: string) => {
  if (state.status === 'none' || state.workspaceId !== workspaceId) {
    throw new NotFoundError('AGENT_NOT_FOUND', `agent ${agentId} does not exist in this workspace`);
  }
  return state;
};

const versionOf = (state: AgentState & { status: 'exists' }, versionId: string) => {
  const status = state.versions[versionId];
  if (!status) throw new NotFoundError('AGENT_VERSION_NOT_FOUND', `agent version ${versionId} does not exist`);
  return status;
};

const withVersion = (state: AgentState, versionId: string, status: AgentVersionStatus): AgentState =>
  state.status === 'none' ? state : { ...state, versions: { ...state.versions, [versionId]: status } };

/**
 * The version a new run of the agent uses: the one asked for, unless it is archived, or else the newest
 * published one (versions are recorded in version order, so the last published is the newest).
 */
export const runnableVersion = (state: AgentState, agentId: string, workspaceId: string, requested?: string): string => {
  const agent = existing(state, agentId, workspaceId);
  if (requested) {
    if (versionOf(agent, requested) === 'archived') throw new ConflictError('AGENT_VERSION_ARCHIVED', `agent version ${requested} is archived`);
    return requested;
  }
  const published = Object.entries(agent.versions).filter(([, status]) => status === 'published');
  const newest = published[published.length - 1];
  if (!newest) throw new ConflictError('AGENT_NOT_PUBLISHED', `agent ${agentId} has no published version to run`);
  return newest[0];
};

/** An agent and its versions. An agent's id derives from its workspace and code, so a code is taken at most once. */
export const agentDecider: Decider<AgentState, AgentCommand, AgentEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'AgentCreated':
        return { status: 'exists', workspaceId: event.metadata.workspace_id, versions: {}, versionCount: 0 };
      case 'AgentVersionCreated':
        return state.status === 'none'
          ? state
          : { ...state, versions: { ...state.versions, [event.data.version_id]: 'draft' }, versionCount: event.data.version_no };
      case 'AgentVersionPublished':
        return withVersion(state, event.data.version_id, 'published');
      case 'AgentVersionArchived':
        return withVersion(state, event.data.version_id, 'archived');
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'CreateAgent': {
        const { agent_id, code, name, agent_type, description } = command.data;
        if (state.status !== 'none') throw new ConflictError('AGENT_CODE_TAKEN', `an agent with code ${code} already exists in this workspace`);
        return [{ type: 'AgentCreated', data: { agent_id, code, name, agent_type, description: description ?? null } }];
      }
      case 'CreateAgentVersion': {
        const { workspace_id, status, ...definition } = command.data;
        const agent = existing(state, definition.agent_id, workspace_id);
        const { agent_id, version_id } = definition;
        const created: AgentEvent = { type: 'AgentVersionCreated', data: { ...definition, version_no: agent.versionCount + 1 } };
        if (status === 'published') return [created, { type: 'AgentVersionPublished', data: { agent_id, version_id } }];
        if (status === 'archived') return [created, { type: 'AgentVersionArchived', data: { agent_id, version_id } }];
        return [created];
      }
      case 'PublishAgentVersion': {
        const { agent_id, version_id } = command.data;
        const current = versionOf(existing(state, agent_id, command.data.workspace_id), version_id);
        if (current !== 'draft') throw new ConflictError('AGENT_VERSION_NOT_DRAFT', `agent version ${version_id} is ${current}; only a draft is published`);
        return [{ type: 'AgentVersionPublished', data: { agent_id, version_id } }];
      }
      case 'ArchiveAgentVersion': {
        const { agent_id, version_id } = command.data;
        const current = versionOf(existing(state, agent_id, command.data.workspace_id), version_id);
        if (current === 'archived') throw new ConflictError('AGENT_VERSION_ARCHIVED', `agent version ${version_id} is already archived`);
        return [{ type: 'AgentVersionArchived', data: { agent_id, version_id } }];
      }
    }
  },
};
