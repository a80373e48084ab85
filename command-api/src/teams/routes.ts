import { AGENTS_CATEGORY, CreateTeamBody, CreateTeamVersionBody, NotFoundError, streamId, TEAM_DEFINITION, TEAMS_CATEGORY } from '@agent-platform/contracts';
import type { Api, EventStore } from '@agent-platform/infra';
import { agentDecider } from '../agents/decider.js';
import { definitionRoutes } from '../definitions.js';
import { loadState } from '../handler.js';
import type { CommandDeps } from '../http.js';
import { teamDecider } from './decider.js';

/**
 * Every member is an agent of the workspace: another workspace's agent or an unknown id is a 404 naming the
 * member's field. Read from the agents' streams, so an agent created just before is found.
 */
const membersExist = (store: EventStore) => async (body: CreateTeamVersionBody, workspaceId: string) => {
  const agents = await Promise.all(body.member_refs.map((ref) => loadState(store, agentDecider, streamId(AGENTS_CATEGORY, ref.agent_id))));
  const index = agents.findIndex((agent) => agent.status === 'none' || agent.workspaceId !== workspaceId);
  if (index === -1) return;
  const id = body.member_refs[index]!.agent_id;
  const message = `agent ${id} does not exist in this workspace`;
  throw new NotFoundError('AGENT_NOT_FOUND', message, [{ field: `body.member_refs.${index}.agent_id`, message }]);
};

export const teamRoutes = (api: Api, deps: CommandDeps): void =>
  definitionRoutes(api, deps, TEAM_DEFINITION, {
    category: TEAMS_CATEGORY,
    decider: teamDecider,
    createBody: CreateTeamBody,
    versionBody: CreateTeamVersionBody,
    checkVersion: membersExist(deps.store),
  });
