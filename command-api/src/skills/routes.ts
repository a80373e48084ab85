import {
  AGENTS_CATEGORY,
  AgentImplementation,
  CreateSkillBody,
  NotFoundError,
  CreateSkillVersionBody,
  IMPLEMENTATIONS,
  SKILL_DEFINITION,
  SKILLS_CATEGORY,
  streamId,
  ValidationError,
  type FieldIssue,
} from '@agent-platform/contracts';
import type { Api, EventStore } from '@agent-platform/infra';
import { agentDecider } from '../agents/decider.js';
import { definitionRoutes } from '../definitions.js';
import { loadState } from '../handler.js';
import type { CommandDeps } from '../http.js';
import { existingSkill, skillDecider } from './decider.js';
import { schemaProblem } from './schemas.js';

/** What is wrong with a version's runtime and implementation, each naming its field. */
const implementationIssues = (body: CreateSkillVersionBody): FieldIssue[] => {
  const parsed = IMPLEMENTATIONS[body.runtime_type].safeParse(body.implementation_json);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({ field: ['body.implementation_json', ...issue.path.map(String)].join('.'), message: issue.message }));
};

/**
 * A version is judged whole before it is stored, once the skill is known to be the caller's (another
 * workspace's is a 404, whatever the body): its implementation fits its runtime, and both schemas compile.
 */
const versionUsable = (store: EventStore) => async (body: CreateSkillVersionBody, workspaceId: string): Promise<void> => {
  existingSkill(await loadState(store, skillDecider, streamId(SKILLS_CATEGORY, body.skill_id)), body.skill_id, workspaceId);
  const issues = implementationIssues(body);
  for (const field of ['parameter_schema_json', 'output_schema_json'] as const) {
    const problem = schemaProblem(body[field]);
    if (problem) issues.push({ field: `body.${field}`, message: problem });
  }
  if (issues.length) throw new ValidationError(issues);
  if (body.runtime_type === 'agent') await agentExists(store, AgentImplementation.parse(body.implementation_json).agent_id, workspaceId);
};

/** An agent skill delegates to an agent of the workspace: another workspace's, or an unknown one, is a 404 naming it. */
const agentExists = async (store: EventStore, agentId: string, workspaceId: string): Promise<void> => {
  const agent = await loadState(store, agentDecider, streamId(AGENTS_CATEGORY, agentId));
  if (agent.status === 'exists' && agent.workspaceId === workspaceId) return;
  const message = `agent ${agentId} does not exist in this workspace`;
  throw new NotFoundError('AGENT_NOT_FOUND', message, [{ field: 'body.implementation_json.agent_id', message }]);
};

export const skillRoutes = (api: Api, deps: CommandDeps): void =>
  definitionRoutes(api, deps, SKILL_DEFINITION, {
    category: SKILLS_CATEGORY,
    decider: skillDecider,
    createBody: CreateSkillBody,
    versionBody: CreateSkillVersionBody,
    checkVersion: versionUsable(deps.store),
  });
