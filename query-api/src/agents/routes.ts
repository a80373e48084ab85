import { AGENT_DEFINITION, AgentVersionView, AgentView, ListAgentsQuery } from '@agent-platform/contracts';
import { versionedDefinitionQueries } from '../versionedDefinition.js';

export const agentQueries = versionedDefinitionQueries(AGENT_DEFINITION, { view: AgentView, versionView: AgentVersionView, listQuery: ListAgentsQuery });
