import { agentRunsDomain } from './agent-runs.js';
import { agentsDomain } from './agents.js';
import { deadLettersDomain } from './dead-letters.js';
import { sessionsDomain } from './sessions.js';
import { toolsDomain } from './tools.js';

/**
 * Every domain of the platform, listed once: the catalog, the projection names and, through
 * `DomainName`, each package's list of its modules are built from it (see docs/adding-a-domain.md).
 */
export const domains = [sessionsDomain, deadLettersDomain, toolsDomain, agentsDomain, agentRunsDomain] as const;

export type DomainName = (typeof domains)[number]['name'];
