import { CreateToolBody, CreateToolVersionBody, TOOL_DEFINITION, TOOLS_CATEGORY } from '@agent-platform/contracts';
import type { Api } from '@agent-platform/infra';
import { definitionRoutes } from '../definitions.js';
import type { CommandDeps } from '../http.js';
import { toolDecider } from './decider.js';

export const toolRoutes = (api: Api, deps: CommandDeps): void =>
  definitionRoutes(api, deps, TOOL_DEFINITION, { category: TOOLS_CATEGORY, decider: toolDecider, createBody: CreateToolBody, versionBody: CreateToolVersionBody });
