import { agentRunsDomain } from './agent-runs.js';
import { agentsDomain } from './agents.js';
import { authDomain } from './auth.js';
import { deadLettersDomain } from './dead-letters.js';
import { humanTasksDomain } from './human-tasks.js';
import { knowledgeDomain } from './knowledge.js';
import { memoriesDomain } from './memories.js';
import { sessionsDomain } from './sessions.js';
import { schedulerDomain } from './scheduler.js';
import { skillsDomain } from './skills.js';
import { teamsDomain } from './teams.js';
import { toolsDomain } from './tools.js';

// Each domain's contracts (events, commands, views) are the package's, as they are written in its file.
export * from './sessions.js';
export * from './dead-letters.js';
export * from './tools.js';
export * from './agents.js';
export * from './agent-runs.js';
export * from './agent-run-waits.js';
export * from './memories.js';
export * from './knowledge.js';
export * from './skills.js';
export * from './teamDefinition.js';
export * from './teams.js';
export * from './team-runs.js';
export * from './human-tasks.js';
export * from './human-task-views.js';
export * from './permissions.js';
export * from './routePermissions.js';
export * from './auth.js';
export * from './authUser.js';
export * from './schedule.js';
export * from './scheduledJobPayloads.js';
export * from './scheduler.js';

/**
 * Every domain of the platform, listed once: the catalog, the projection names and, through
 * `DomainName`, each package's list of its modules are built from it (see docs/adding-a-domain.md).
 */
export const domains = [sessionsDomain, deadLettersDomain, toolsDomain, agentsDomain, agentRunsDomain, memoriesDomain, knowledgeDomain, skillsDomain, teamsDomain, humanTasksDomain, schedulerDomain, authDomain] as const;

export type DomainName = (typeof domains)[number]['name'];
