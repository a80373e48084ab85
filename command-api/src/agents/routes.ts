import { AGENT_DEFINITION, AGENTS_CATEGORY, CreateAgentBody, CreateAgentVersionBody } from '@agent-platform/contracts';
import type { Api } from '@agent-platform/infra';
import { definitionRoutes } from '../definitions.js';
import type { CommandDeps } from '../http.js';
import { agentDecider } from './decider.js';

export const agentRoutes = (api: Api, deps: CommandDeps): void =>
  definitionRoutes(api, deps, AGENT_DEFINITION, { category: AGENTS_CATEGORY, decider: agentDecider, createBody: CreateAgentBody, versionBody: CreateAgentVersionBody });
