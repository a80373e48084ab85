import { z } from 'zod';
import { RunError } from './agent-runs.js';
import { defineCommand } from './commands.js';
import { defineEvent, type EventOf } from './events.js';
import { TeamVersionDefinition } from './teamDefinition.js';

/**
 * A team run is a process manager on the durable-run kernel: its journal records each decision (a member
 * step, with the agent run it creates) before acting on it, waits while its member runs work, and is woken
 * by their endings. A run killed anywhere resumes from its journal and never repeats a step that ended.
 */
export const TEAM_RUNS_CATEGORY = 'teamrun';

const Id = z.string().uuid().toLowerCase();
export const TeamRunStatus = z.enum(['queued', 'running', 'awaiting_human', 'completed', 'failed', 'cancelled']);
export type TeamRunStatus = z.infer<typeof TeamRunStatus>;
/** Why a member step runs: work on the task, the supervisor's plan, review or merge, a round-robin turn. */
export const StepPurpose = z.enum(['work', 'plan', 'review', 'merge', 'turn']);
export type StepPurpose = z.infer<typeof StepPurpose>;
export const StepStatus = z.enum(['running', 'awaiting_human', 'completed', 'failed', 'cancelled']);
export type StepStatus = z.infer<typeof StepStatus>;
/** How a member run ended, as its team records it. */
export const StepEnding = StepStatus.extract(['completed', 'failed', 'cancelled']);

export const CreateTeamRunBody = z.object({
  team_id: Id,
  team_version_id: Id.optional(),
  session_id: Id,
  input_text: z.string().min(1).max(200_000),
  /** Team runs wait for `execute` (or the worker claim API) unless asked otherwise, so `execute` may make them dry runs. */
  auto_execute: z.boolean().default(false),
  dry_run: z.boolean().default(false),
});
export type CreateTeamRunBody = z.infer<typeof CreateTeamRunBody>;

const Queued = z.object({
  team_run_id: z.string().uuid(),
  team_id: z.string().uuid(),
  team_version_id: z.string().uuid(),
  session_id: z.string().uuid(),
  input_text: z.string(),
  auto_execute: z.boolean(),
  dry_run: z.boolean(),
  /** The version's definition as it was when the run was queued: a resumed run never re-reads it. */
  definition: TeamVersionDefinition,
});
const StepStart = z.object({
  team_run_id: z.string().uuid(),
  step_no: z.number().int().positive(),
  member_key: z.string(),
  agent_id: z.string().uuid(),
  /** Derived from the team run and the step: a step creates at most one agent run, however often it is resumed. */
  agent_run_id: z.string().uuid(),
  purpose: StepPurpose,
  round: z.number().int().positive(),
  input_text: z.string(),
});
export type TeamStepStart = z.infer<typeof StepStart>;
const StepEnd = z.object({
  team_run_id: z.string().uuid(),
  step_no: z.number().int().positive(),
  agent_run_id: z.string().uuid(),
  status: StepEnding,
  output_text: z.string().nullable(),
  error: RunError.nullable(),
});
const MemberRef = z.object({ team_run_id: z.string().uuid(), step_no: z.number().int().positive(), agent_run_id: z.string().uuid() });

const Leased = { lease_id: z.string() };
const Run = { team_run_id: z.string() };
export const TeamRunCommand = z.discriminatedUnion('type', [
  defineCommand('QueueTeamRun', Queued.extend({ workspace_id: z.string() })),
  defineCommand('LeaseTeamRun', z.object({ ...Run, worker_key: z.string(), ...Leased, now: z.string(), lease_ms: z.number() })),
  defineCommand('PrepareTeamRun', z.object({ ...Run, ...Leased, dry_run: z.boolean() })),
  defineCommand('StartTeamMemberStep', StepStart.omit({ agent_id: true }).extend(Leased)),
  defineCommand('WaitForTeamMembers', z.object({ ...Run, ...Leased })),
  // Not leased: the ending of a member run is recorded by whoever sees it (the reaction to it, the orchestrator).
  defineCommand('EndTeamMemberStep', StepEnd.omit({ step_no: true })),
  defineCommand('MarkTeamMemberAwaitingHuman', MemberRef.omit({ step_no: true })),
  defineCommand('MarkTeamMemberResumed', MemberRef.omit({ step_no: true })),
  defineCommand('CompleteTeamRun', z.object({ ...Run, ...Leased, answer: z.string() })),
  defineCommand('FailTeamRun', z.object({ ...Run, ...Leased, error: RunError })),
  defineCommand('CancelTeamRun', z.object({ ...Run, workspace_id: z.string(), reason: z.string().optional() })),
]);
export type TeamRunCommand = z.infer<typeof TeamRunCommand>;

const meta = { category: TEAM_RUNS_CATEGORY };
export const TeamRunQueued = defineEvent('TeamRunQueued', Queued, {
  ...meta,
  description: 'A run of a team version was asked for, with the version’s definition as it was then.',
});
export const TeamRunLeased = defineEvent(
  'TeamRunLeased',
  z.object({ team_run_id: z.string().uuid(), worker_key: z.string(), lease_id: z.string().uuid(), lease_expires_at: z.string(), attempt: z.number().int().positive() }),
  { ...meta, description: 'A worker took the team run; only the holder of the newest lease records its decisions.' },
);
export const TeamRunPrepared = defineEvent('TeamRunPrepared', z.object({ team_run_id: z.string().uuid(), dry_run: z.boolean() }), {
  ...meta,
  description: 'The team run started, as a dry run (every member run a dry run) or not; recorded once, with its first lease.',
});
export const TeamMemberStepStarted = defineEvent('TeamMemberStepStarted', StepStart, {
  ...meta,
  description: 'The orchestrator decided a member step, recorded before the agent run it names is created: a resumed run creates that run, never another.',
});
export const TeamRunWaiting = defineEvent('TeamRunWaiting', z.object({ team_run_id: z.string().uuid(), open_steps: z.array(z.number().int().positive()) }), {
  ...meta,
  description: 'The team run waits for its member runs; its lease ends. The ending of the last of them wakes it.',
});
export const TeamMemberStepEnded = defineEvent('TeamMemberStepEnded', StepEnd, {
  ...meta,
  description: 'A member run ended (completed with its output, failed, cancelled); never recorded twice for a step.',
});
export const TeamMemberAwaitingHuman = defineEvent('TeamMemberAwaitingHuman', MemberRef, {
  ...meta,
  description: 'A member run waits for a person: the team run is awaiting_human until the member resumes.',
});
export const TeamMemberResumed = defineEvent('TeamMemberResumed', MemberRef, {
  ...meta,
  description: 'A member run that waited for a person goes on: the team run waits for its members again.',
});
export const TeamRunCompleted = defineEvent(
  'TeamRunCompleted',
  z.object({ team_run_id: z.string().uuid(), answer: z.string(), session_id: z.string().uuid(), dry_run: z.boolean() }),
  { ...meta, description: 'The team run finished with a team-level answer.' },
);
export const TeamRunFailed = defineEvent('TeamRunFailed', z.object({ team_run_id: z.string().uuid(), error: RunError }), {
  ...meta,
  description: 'The team run ended without an answer (a member failed under fail_fast, no member answered, attempts ran out); its open member runs are cancelled.',
});
export const TeamRunCancelled = defineEvent('TeamRunCancelled', z.object({ team_run_id: z.string().uuid(), reason: z.string().nullable() }), {
  ...meta,
  description: 'Someone cancelled the team run; its open member runs are cancelled.',
});
export const teamRunEvents = [
  TeamRunQueued,
  TeamRunLeased,
  TeamRunPrepared,
  TeamMemberStepStarted,
  TeamRunWaiting,
  TeamMemberStepEnded,
  TeamMemberAwaitingHuman,
  TeamMemberResumed,
  TeamRunCompleted,
  TeamRunFailed,
  TeamRunCancelled,
] as const;
export type TeamRunEvent = EventOf<(typeof teamRunEvents)[number]>;
/** The events that end a team run: nothing of the orchestrator's is recorded after one. */
export const TEAM_RUN_ENDINGS: ReadonlySet<string> = new Set([TeamRunCompleted.type, TeamRunFailed.type, TeamRunCancelled.type]);

export const TeamRunView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  team_id: z.string().uuid(),
  team_version_id: z.string().uuid(),
  session_id: z.string().uuid(),
  input_text: z.string(),
  coordination_mode: z.string(),
  status: TeamRunStatus,
  auto_execute: z.boolean(),
  dry_run: z.boolean(),
  worker_key: z.string().nullable(),
  attempts: z.number().int(),
  /** Member steps decided so far. */
  steps: z.number().int(),
  output_text: z.string().nullable(),
  error: RunError.nullable(),
  lease_expires_at: z.string().nullable(),
  created_time: z.string(),
  started_time: z.string().nullable(),
  finished_time: z.string().nullable(),
  updated_time: z.string(),
});
export type TeamRunView = z.infer<typeof TeamRunView>;
/** A member step of a team run, with the agent run it created (`GET /agents/runs/{agent_run_id}` has the rest). */
export const TeamMemberRunView = StepStart.extend({
  status: StepStatus,
  output_text: z.string().nullable(),
  error: RunError.nullable(),
  started_time: z.string(),
  finished_time: z.string().nullable(),
});
export type TeamMemberRunView = z.infer<typeof TeamMemberRunView>;
export const ListTeamRunsQuery = z.object({
  team_id: Id.optional(),
  session_id: Id.optional(),
  status: TeamRunStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

export const ExecuteTeamRunBody = z.object({
  worker_key: z.string().min(1).max(200).default('api'),
  /** Every member run a dry run; the run's own `dry_run` when left out. Ignored once the run has started. */
  dry_run: z.boolean().optional(),
  /** `false` answers 202 at once; otherwise the answer waits (bounded) until the team run ends or waits for a person. */
  wait: z.boolean().default(true),
  lease_seconds: z.number().int().min(5).max(3600).optional(),
});
export type ExecuteTeamRunBody = z.infer<typeof ExecuteTeamRunBody>;
export const ExecuteNextTeamRunBody = z.object({
  worker_key: z.string().min(1).max(200),
  lease_seconds: z.number().int().min(5).max(3600).default(300),
  dry_run: z.boolean().optional(),
  wait: z.boolean().default(true),
});
export type ExecuteNextTeamRunBody = z.infer<typeof ExecuteNextTeamRunBody>;
/** What executing a team run answers: where it stands, from its own stream, with its member steps. */
export const TeamRunOutcome = TeamRunView.pick({
  id: true,
  team_id: true,
  team_version_id: true,
  session_id: true,
  input_text: true,
  coordination_mode: true,
  status: true,
  auto_execute: true,
  dry_run: true,
  worker_key: true,
  attempts: true,
  output_text: true,
  error: true,
}).extend({
  member_runs: z.array(TeamMemberRunView.pick({ step_no: true, member_key: true, agent_run_id: true, purpose: true, round: true, status: true, output_text: true })),
  /** The global position of the run's last event: send it as `x-min-position` to read the run's read models. */
  position: z.number().int(),
});
export type TeamRunOutcome = z.infer<typeof TeamRunOutcome>;
