import { AGENT_DEFINITION, AgentCreated, AgentVersionArchived, AgentVersionCreated, AgentVersionPublished } from '@agent-platform/contracts';
import { versionedDefinitionProjector } from '../versionedDefinition.js';

export const agentsProjector = versionedDefinitionProjector(AGENT_DEFINITION, {
  created: AgentCreated,
  versionCreated: AgentVersionCreated,
  versionColumns: (d) => ({
    role: d.role,
    goal: d.goal,
    system_prompt: d.system_prompt,
    model_config: JSON.stringify(d.model_config),
    memory_policy: JSON.stringify(d.memory_policy),
    tool_refs: JSON.stringify(d.tool_refs),
    skill_refs: JSON.stringify(d.skill_refs),
    knowledge_refs: JSON.stringify(d.knowledge_refs),
  }),
  published: AgentVersionPublished,
  retired: AgentVersionArchived,
});
