import type { CommandModule } from '@agent-platform/command-api';
import { agentRunsCommands } from '@agent-platform/command-api/agent-runs/module';
import { agentsCommands } from '@agent-platform/command-api/agents/module';
import { authCommands } from '@agent-platform/command-api/auth/module';
import { deadLettersCommands } from '@agent-platform/command-api/dead-letters/module';
import { humanTasksCommands } from '@agent-platform/command-api/human-tasks/module';
import { knowledgeCommands } from '@agent-platform/command-api/knowledge/module';
import { memoriesCommands } from '@agent-platform/command-api/memories/module';
import { sessionsCommands } from '@agent-platform/command-api/sessions/module';
import { skillsCommands } from '@agent-platform/command-api/skills/module';
import { schedulerCommands } from '@agent-platform/command-api/scheduler/module';
import { teamsCommands } from '@agent-platform/command-api/teams/module';
import { toolsCommands } from '@agent-platform/command-api/tools/module';
import { agentRunsDomain, agentsDomain, authDomain, deadLettersDomain, humanTasksDomain, knowledgeDomain, memoriesDomain, schedulerDomain, sessionsDomain, skillsDomain, teamsDomain, toolsDomain, type domains, type DomainName } from '@agent-platform/contracts';
import type { ProcessorModule } from '@agent-platform/processors';
import { agentRunsProcessors } from '@agent-platform/processors/agent-runs/module';
import { deadLettersProcessors } from '@agent-platform/processors/dead-letters/module';
import { knowledgeProcessors } from '@agent-platform/processors/knowledge/module';
import { skillsProcessors } from '@agent-platform/processors/skills/module';
import { teamsProcessors } from '@agent-platform/processors/teams/module';
import type { ProjectionModule } from '@agent-platform/projectors';
import { agentRunsProjection } from '@agent-platform/projectors/agent-runs/module';
import { agentsProjection } from '@agent-platform/projectors/agents/module';
import { authProjection } from '@agent-platform/projectors/auth/module';
import { deadLettersProjection } from '@agent-platform/projectors/dead-letters/module';
import { humanTasksProjection } from '@agent-platform/projectors/human-tasks/module';
import { knowledgeProjection } from '@agent-platform/projectors/knowledge/module';
import { memoriesProjection } from '@agent-platform/projectors/memories/module';
import { sessionsProjection } from '@agent-platform/projectors/sessions/module';
import { skillsProjection } from '@agent-platform/projectors/skills/module';
import { schedulerProjection } from '@agent-platform/projectors/scheduler/module';
import { teamsProjection } from '@agent-platform/projectors/teams/module';
import { toolsProjection } from '@agent-platform/projectors/tools/module';
import type { QueryModule } from '@agent-platform/query-api';
import { agentRunsQueries } from '@agent-platform/query-api/agent-runs/module';
import { agentsQueries } from '@agent-platform/query-api/agents/module';
import { authQueries } from '@agent-platform/query-api/auth/module';
import { deadLettersQueries } from '@agent-platform/query-api/dead-letters/module';
import { humanTasksQueries } from '@agent-platform/query-api/human-tasks/module';
import { knowledgeQueries } from '@agent-platform/query-api/knowledge/module';
import { memoriesQueries } from '@agent-platform/query-api/memories/module';
import { sessionsQueries } from '@agent-platform/query-api/sessions/module';
import { skillsQueries } from '@agent-platform/query-api/skills/module';
import { schedulerQueries } from '@agent-platform/query-api/scheduler/module';
import { teamsQueries } from '@agent-platform/query-api/teams/module';
import { toolsQueries } from '@agent-platform/query-api/tools/module';
import type { FixturePart } from './testing/fixtures/part.js';

/** One domain, whole: its part of every package, each typed by the domain's name, so parts of two domains cannot be joined. */
export type Domain<N extends DomainName> = {
  contract: Extract<(typeof domains)[number], { name: N }>;
  commands: CommandModule<N>;
  projection: ProjectionModule<N>;
  queries: QueryModule<N>;
  /** Only a domain that reacts to events has them. */
  processors?: ProcessorModule<N>;
  /** Its part of the isolation and hostile walks' fixture, loaded by those specs only: the platform never loads test code. */
  fixture: () => Promise<{ fixture: FixturePart<N> }>;
};

/** An entry per domain of `contracts`, in its order: a domain missing, or out of its place, is a type error. */
type DomainsOf<Contracts extends readonly unknown[]> = { readonly [K in keyof Contracts]: Contracts[K] extends { name: infer N extends DomainName } ? Domain<N> : never };

/**
 * Every domain of the platform, listed once: the platform, the replay, the migrations and the specs are
 * assembled from it (docs/adding-a-domain.md). Contracts' `domains` is the other list, as contracts
 * cannot import the packages; `domains.e2e.spec.ts` holds the two equal.
 */
export const platformDomains: DomainsOf<typeof domains> = [
  {
    contract: sessionsDomain,
    commands: sessionsCommands,
    projection: sessionsProjection,
    queries: sessionsQueries,
    fixture: () => import('./testing/fixtures/sessions.js'),
  },
  {
    contract: deadLettersDomain,
    commands: deadLettersCommands,
    projection: deadLettersProjection,
    queries: deadLettersQueries,
    processors: deadLettersProcessors,
    fixture: () => import('./testing/fixtures/dead-letters.js'),
  },
  {
    contract: toolsDomain,
    commands: toolsCommands,
    projection: toolsProjection,
    queries: toolsQueries,
    fixture: () => import('./testing/fixtures/tools.js'),
  },
  {
    contract: agentsDomain,
    commands: agentsCommands,
    projection: agentsProjection,
    queries: agentsQueries,
    fixture: () => import('./testing/fixtures/agents.js'),
  },
  {
    contract: agentRunsDomain,
    commands: agentRunsCommands,
    projection: agentRunsProjection,
    queries: agentRunsQueries,
    processors: agentRunsProcessors,
    fixture: () => import('./testing/fixtures/agent-runs.js'),
  },
  {
    contract: memoriesDomain,
    commands: memoriesCommands,
    projection: memoriesProjection,
    queries: memoriesQueries,
    fixture: () => import('./testing/fixtures/memories.js'),
  },
  {
    contract: knowledgeDomain,
    commands: knowledgeCommands,
    projection: knowledgeProjection,
    queries: knowledgeQueries,
    processors: knowledgeProcessors,
    fixture: () => import('./testing/fixtures/knowledge.js'),
  },
  {
    contract: skillsDomain,
    commands: skillsCommands,
    projection: skillsProjection,
    queries: skillsQueries,
    processors: skillsProcessors,
    fixture: () => import('./testing/fixtures/skills.js'),
  },
  {
    contract: teamsDomain,
    commands: teamsCommands,
    projection: teamsProjection,
    queries: teamsQueries,
    processors: teamsProcessors,
    fixture: () => import('./testing/fixtures/teams.js'),
  },
  {
    contract: humanTasksDomain,
    commands: humanTasksCommands,
    projection: humanTasksProjection,
    queries: humanTasksQueries,
    fixture: () => import('./testing/fixtures/human-tasks.js'),
  },
  {
    contract: schedulerDomain,
    commands: schedulerCommands,
    projection: schedulerProjection,
    queries: schedulerQueries,
    fixture: () => import('./testing/fixtures/scheduler.js'),
  },
  {
    contract: authDomain,
    commands: authCommands,
    projection: authProjection,
    queries: authQueries,
    fixture: () => import('./testing/fixtures/auth.js'),
  },
];

// Each package's side of every domain, in the list's order.
export const commandModules: readonly CommandModule[] = platformDomains.map((domain) => domain.commands);
export const projectionModules: readonly ProjectionModule[] = platformDomains.map((domain) => domain.projection);
export const queryModules: readonly QueryModule[] = platformDomains.map((domain) => domain.queries);
export const processorModules: readonly ProcessorModule[] = platformDomains.flatMap((domain) => (domain.processors ? [domain.processors] : []));

/** Every read model the query side serves: the projectors of every domain. */
export const projectors = projectionModules.flatMap((module) => module.projectors);
