import { AgentVersionView, AgentView, ListAgentsQuery } from '@agent-platform/contracts';
import { versionedDefinitionQueries } from '../versionedDefinition.js';

export const agentQueries = versionedDefinitionQueries({
  noun: 'agent',
  article: 'an',
  errorPrefix: 'AGENT',
  projection: 'agents',
  tables: { definitions: 'rm_agents', versions: 'rm_agent_versions', parentColumn: 'agent_id' },
  view: AgentView,
  versionView: AgentVersionView,
  listQuery: ListAgentsQuery,
});
