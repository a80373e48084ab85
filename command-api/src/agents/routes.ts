import {
  AGENT_DEFINITION,
  AGENTS_CATEGORY,
  CreateAgentBody,
  CreateAgentVersionBody,
  KNOWLEDGE_BASES_CATEGORY,
  NotFoundError,
  streamId,
} from '@agent-platform/contracts';
import type { Api, EventStore } from '@agent-platform/infra';
import { definitionRoutes } from '../definitions.js';
import { loadState } from '../handler.js';
import type { CommandDeps } from '../http.js';
import { knowledgeDecider } from '../knowledge/decider.js';
import { agentDecider } from './decider.js';

/**
 * Every knowledge base a version names is a live base of the workspace: another workspace's, a deleted one or
 * an unknown id is a 404 naming the ref. Read from the bases' streams, so a base created just before is found.
 */
const knowledgeBasesExist = (store: EventStore) => async (body: CreateAgentVersionBody, workspaceId: string) => {
  const bases = await Promise.all(body.knowledge_refs.map((ref) => loadState(store, knowledgeDecider, streamId(KNOWLEDGE_BASES_CATEGORY, ref.knowledge_base_id))));
  const index = bases.findIndex((base) => base.status !== 'base' || base.workspaceId !== workspaceId);
  if (index === -1) return;
  const id = body.knowledge_refs[index]!.knowledge_base_id;
  const message = `knowledge base ${id} does not exist in this workspace`;
  throw new NotFoundError('KNOWLEDGE_BASE_NOT_FOUND', message, [{ field: `body.knowledge_refs.${index}.knowledge_base_id`, message }]);
};

export const agentRoutes = (api: Api, deps: CommandDeps): void =>
  definitionRoutes(api, deps, AGENT_DEFINITION, {
    category: AGENTS_CATEGORY,
    decider: agentDecider,
    createBody: CreateAgentBody,
    versionBody: CreateAgentVersionBody,
    checkVersion: knowledgeBasesExist(deps.store),
  });
