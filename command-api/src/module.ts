import type { DomainName } from '@agent-platform/contracts';
import type { Api, Knex } from '@agent-platform/infra';
import type { RunExecutor } from './agent-runs/executor.js';
import type { CommandDeps } from './http.js';
import type { KnowledgeServices } from './knowledge/routes.js';
import type { MemoryServices } from './memories/write.js';
import type { SkillRunExecutor } from './skills/executor.js';
import type { TeamRunExecutor } from './teams/executor.js';

/**
 * What every domain's command routes get: the command handler, `knex` for the HTTP consumers' delivery
 * state, and the services of the process. A service is given only where the process runs it.
 */
export type CommandModuleDeps = CommandDeps & {
  knex: Knex;
  /** `eagerWorkerKey`: a worker runs in this process, so an automatic run starts here at once (see agentRunRoutes). */
  agentRuns?: { executor: RunExecutor; executeWaitMs: number; eagerWorkerKey?: string };
  /** Where memories' data keys are kept and how their text is embedded: memories are taken only where both are given. */
  memories?: MemoryServices;
  /** Where documents' data keys are kept and which embedding bases record: documents are taken only where both are given. */
  knowledge?: KnowledgeServices;
  /** Skill runs are executed over HTTP only where an executor is given. */
  skillRuns?: { executor: SkillRunExecutor; executeWaitMs: number };
  /** Team runs are executed over HTTP where an executor is given; `eagerWorkerKey` as for agent runs. */
  teamRuns?: { executor: TeamRunExecutor; executeWaitMs: number; eagerWorkerKey?: string };
  /** How late a slot an external worker claims may be before its job's misfire policy applies. */
  scheduler?: { misfireGraceMs: number };
};

/** A domain's command side: the routes that take its commands. `N` is its name, so it cannot be joined to another domain's parts. */
export type CommandModule<N extends DomainName = DomainName> = { name: N; routes: (api: Api, deps: CommandModuleDeps) => void };
