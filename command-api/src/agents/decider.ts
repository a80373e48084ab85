import { AGENT_DEFINITION, ConflictError, type AgentCommand, type AgentEvent, type AgentVersionStatus } from '@agent-platform/contracts';
import { definitionLookups, versionedDefinitionDecider, type DefinitionState } from '../versionedDefinition.js';

export type AgentState = DefinitionState<AgentVersionStatus>;

const { existing, versionOf } = definitionLookups<AgentVersionStatus>(AGENT_DEFINITION);

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

/** An agent and its versions; an archived version runs no more, whether it was a draft or published. */
export const agentDecider = versionedDefinitionDecider<AgentCommand, AgentEvent, AgentVersionStatus>(AGENT_DEFINITION, {
  from: ['draft', 'published'],
  refusal: (versionId) => new ConflictError('AGENT_VERSION_ARCHIVED', `agent version ${versionId} is already archived`),
});
