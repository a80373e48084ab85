/**
 * What the processors may use of the command side, and nothing more: the one write path, the deciders
 * with their state types, and the run executor port they implement. The dependency rules hold them to it.
 */
export { evolveAll, type Decider, type Evolvable } from './decider.js';
export {
  sendCommand,
  decideInTurn,
  metadataOf,
  type CommandContext,
  type CommandOptions,
  type Sent,
  type StreamCursor,
} from './handler.js';
export { sessionDecider } from './sessions/decider.js';
export { deadLetterDecider } from './dead-letters/decider.js';
export { toolDecider } from './tools/decider.js';
export { agentDecider, runnableVersion } from './agents/decider.js';
export { agentRunDecider, isTerminal, type AgentRunState, type ActiveRun, type InvocationRecord } from './agent-runs/decider.js';
export { outcomeOf, isTakenElsewhere, type RunExecutor, type ExecuteOptions, type RunToPlan } from './agent-runs/executor.js';
export { teamDecider, runnableTeamVersion } from './teams/decider.js';
export { teamRunDecider, isTeamRunEnded, openSteps, type TeamRunState, type ActiveTeamRun, type TeamStep } from './teams/runDecider.js';
export { versionToRun as teamVersionToRun } from './teams/runRoutes.js';
export { teamRunOutcomeOf, isTeamRunTakenElsewhere, type TeamRunExecutor, type TeamExecuteOptions } from './teams/executor.js';
export { memoryDecider } from './memories/decider.js';
export { memoryStreamOf, memorySubjectOf, writeMemory, type MemoryServices } from './memories/write.js';
export { knowledgeDecider, type KnowledgeState } from './knowledge/decider.js';
export { newestSealed } from './sealed.js';
export { skillDecider, runnableSkillVersion, type SkillState, type SkillVersionDefinition } from './skills/decider.js';
export { skillRunDecider, isSkillRunEnded, type SkillRunState, type ActiveSkillRun, type AgentOutcome } from './skills/runDecider.js';
export { skillRunOutcomeOf, type SkillRunExecutor } from './skills/executor.js';
export { humanTaskDecider, type HumanTaskState } from './human-tasks/decider.js';
export { schedulerDecider, jobStatusOf, dueAtOf, type ScheduledJobState, type ExistingJob as ExistingScheduledJob, type InFlight } from './scheduler/decider.js';
export { integrationDecider } from './integration/decider.js';
export { schemaIssues } from './skills/schemas.js';
