import { z } from 'zod';
import { defineCommand } from './commands.js';
import { defineDomain } from './domain.js';
import { defineEvent, type EventOf } from './events.js';
import { checkInvokeConfig } from './toolInvokeRules.js';
import { InvokeConfig } from './tools.js';
import { versionedDefinition } from './versionedDefinition.js';

/**
 * Skills: versioned definitions (a code unique in the workspace, versions with a runtime, a parameter
 * schema, an output schema and an implementation), installations of a skill in a scope, and skill runs,
 * which are durable runs on the kernel like agent runs.
 */
export const SKILLS_CATEGORY = 'skill';
export const SKILL_INSTALLATIONS_CATEGORY = 'skillinstallation';
export const SKILL_RUNS_CATEGORY = 'skillrun';

const Id = z.string().uuid().toLowerCase();
const Code = z.string().min(1).max(100).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits and _ . - only');
const JsonObject = z.record(z.string(), z.unknown());
export const SkillVersionStatus = z.enum(['draft', 'published', 'archived']);
export type SkillVersionStatus = z.infer<typeof SkillVersionStatus>;
/** The seed's runtimes: a template, an HTTP call, a program, or a run of an agent. */
export const SkillRuntimeType = z.enum(['template', 'http', 'code', 'agent']);
export type SkillRuntimeType = z.infer<typeof SkillRuntimeType>;
export const InstallScope = z.enum(['workspace', 'app', 'user', 'agent', 'team']);

/** `Hello $name`: placeholders `$name` and `${name}` are replaced by the input's values; `$$` is a `$`. Nothing is executed. */
export const TemplateImplementation = z.object({ template: z.string().min(1).max(100_000) });
/** Called like an HTTP tool (through the tool invoker and its address guard): the input is the body, or the query of a GET or DELETE. */
export const HttpImplementation = InvokeConfig.extend({ base_url: z.string().url() }).superRefine(checkInvokeConfig);
/** Run by the code runner, isolated; the program gets the input as JSON and what it returns is the output. */
export const CodeImplementation = z.object({
  language: z.enum(['python', 'javascript']),
  code: z.string().min(1).max(100_000),
  timeout_seconds: z.number().int().min(1).max(300).default(10),
});
/**
 * Delegates to a run of the agent (its newest published version unless one is named), in a session the
 * skill run opens for it; the run's `input_text` is `input_template` rendered with the input as a template
 * is, or else the input as JSON. The agent's answer is the output.
 */
export const AgentImplementation = z.object({
  agent_id: Id,
  agent_version_id: Id.optional(),
  input_template: z.string().min(1).max(100_000).optional(),
});
export const IMPLEMENTATIONS = { template: TemplateImplementation, http: HttpImplementation, code: CodeImplementation, agent: AgentImplementation } as const;


export const CreateSkillBody = z.object({
  code: Code,
  name: z.string().min(1).max(200),
  skill_type: z.string().min(1).max(100).default('template'),
  description: z.string().max(10_000).optional(),
});
/**
 * `implementation_json` is judged against its runtime's schema (`IMPLEMENTATIONS`) and both schemas are
 * compiled when the version is created, by the command side once it knows the skill is the caller's: a 400
 * naming the field, after the 404 for another workspace's skill. It is stored as sent; its defaults are
 * filled in when it runs.
 */
export const CreateSkillVersionBody = z.object({
  skill_id: Id,
  status: SkillVersionStatus.exclude(['archived']).default('draft'),
  runtime_type: SkillRuntimeType.default('template'),
  parameter_schema_json: JsonObject.default({}),
  output_schema_json: JsonObject.default({}),
  implementation_json: JsonObject.default({}),
});
export type CreateSkillBody = z.infer<typeof CreateSkillBody>;
export type CreateSkillVersionBody = z.infer<typeof CreateSkillVersionBody>;

export const CreateSkillInstallationBody = z.object({
  skill_id: Id,
  install_scope: InstallScope,
  scope_id: z.string().min(1).max(200),
  installed_by: z.string().min(1).max(200),
});
export type CreateSkillInstallationBody = z.infer<typeof CreateSkillInstallationBody>;
export const UninstallSkillBody = z.object({ uninstalled_by: z.string().min(1).max(200).optional() });

export const CreateSkillRunBody = z.object({
  skill_id: Id,
  skill_version_id: Id.optional(),
  input_json: JsonObject.default({}),
  /** Run by the processors as soon as it is queued; otherwise it waits for `POST /skills/runs/:id/execute`. */
  auto_execute: z.boolean().default(false),
});
export type CreateSkillRunBody = z.infer<typeof CreateSkillRunBody>;
export const ExecuteSkillRunBody = z.object({
  worker_key: z.string().min(1).max(200).default('api'),
  /** `false` answers 202 at once; otherwise the answer waits (bounded) until the run ends. */
  wait: z.boolean().default(true),
  lease_seconds: z.number().int().min(5).max(3600).optional(),
});
export type ExecuteSkillRunBody = z.infer<typeof ExecuteSkillRunBody>;

const VersionTransition = z.object({ skill_id: z.string(), version_id: z.string(), workspace_id: z.string() });
export const SkillCommand = z.discriminatedUnion('type', [
  defineCommand('CreateSkill', CreateSkillBody.extend({ skill_id: z.string(), workspace_id: z.string() })),
  defineCommand(
    'CreateSkillVersion',
    z.object({
      skill_id: z.string(),
      version_id: z.string(),
      workspace_id: z.string(),
      status: SkillVersionStatus,
      runtime_type: SkillRuntimeType,
      parameter_schema_json: JsonObject,
      output_schema_json: JsonObject,
      implementation_json: JsonObject,
    }),
  ),
  defineCommand('PublishSkillVersion', VersionTransition),
  defineCommand('ArchiveSkillVersion', VersionTransition),
]);
export type SkillCommand = z.infer<typeof SkillCommand>;

export const SkillInstallationCommand = z.discriminatedUnion('type', [
  defineCommand('InstallSkill', CreateSkillInstallationBody.extend({ installation_id: z.string(), workspace_id: z.string() })),
  defineCommand('UninstallSkill', z.object({ installation_id: z.string(), workspace_id: z.string(), uninstalled_by: z.string().optional() })),
]);
export type SkillInstallationCommand = z.infer<typeof SkillInstallationCommand>;

export const SkillRunError = z.object({ code: z.string(), message: z.string() });
export type SkillRunError = z.infer<typeof SkillRunError>;
const Leased = { run_id: z.string(), lease_id: z.string() };
export const SkillRunCommand = z.discriminatedUnion('type', [
  defineCommand('QueueSkillRun', CreateSkillRunBody.extend({ run_id: z.string(), skill_version_id: z.string(), runtime_type: SkillRuntimeType, workspace_id: z.string() })),
  /** Takes the run, or renews the lease its holder has (same `lease_id`). */
  defineCommand('LeaseSkillRun', z.object({ ...Leased, worker_key: z.string(), now: z.string(), lease_ms: z.number() })),
  defineCommand('StartSkillCall', z.object({ ...Leased, idempotency_key: z.string() })),
  /** An agent skill's run queued its agent run and waits for it to end (unless it ended already). */
  defineCommand('DelegateSkillRun', z.object({ ...Leased, agent_run_id: z.string() })),
  /** How the agent run an agent skill's run waits for ended: an outside fact, recorded by whoever sees it, with or without a lease. */
  defineCommand('RecordSkillAgentRunEnded', z.object({ run_id: z.string(), agent_run_id: z.string(), status: z.enum(['completed', 'failed', 'cancelled']), answer: z.string().nullable(), error: SkillRunError.nullable() })),
  defineCommand('CompleteSkillRun', z.object({ ...Leased, output_json: z.unknown(), output_text: z.string().nullable(), duration_ms: z.number() })),
  defineCommand('FailSkillRun', z.object({ ...Leased, error: SkillRunError })),
  defineCommand('CancelSkillRun', z.object({ run_id: z.string(), workspace_id: z.string(), reason: z.string().optional() })),
]);
export type SkillRunCommand = z.infer<typeof SkillRunCommand>;

// Events: the definition.
export const SkillCreated = defineEvent(
  'SkillCreated',
  z.object({ skill_id: z.string().uuid(), code: z.string(), name: z.string(), skill_type: z.string(), description: z.string().nullable() }),
  { category: SKILLS_CATEGORY, description: 'A skill was defined; its code is unique in the workspace.' },
);
const VersionDefinition = z.object({
  runtime_type: SkillRuntimeType,
  parameter_schema_json: JsonObject,
  output_schema_json: JsonObject,
  implementation_json: JsonObject,
});
export const SkillVersionCreated = defineEvent(
  'SkillVersionCreated',
  VersionDefinition.extend({ skill_id: z.string().uuid(), version_id: z.string().uuid(), version_no: z.number().int().positive() }),
  { category: SKILLS_CATEGORY, description: 'A draft version of a skill: its runtime, parameter and output schemas, and implementation.' },
);
export const SkillVersionPublished = defineEvent('SkillVersionPublished', z.object({ skill_id: z.string().uuid(), version_id: z.string().uuid() }), {
  category: SKILLS_CATEGORY,
  description: 'A skill version became runnable; runs without a version use the newest published one.',
});
export const SkillVersionArchived = defineEvent('SkillVersionArchived', z.object({ skill_id: z.string().uuid(), version_id: z.string().uuid() }), {
  category: SKILLS_CATEGORY,
  description: 'A skill version was retired; no new run uses it.',
});
// Events: installations.
export const SkillInstalled = defineEvent(
  'SkillInstalled',
  z.object({ installation_id: z.string().uuid(), skill_id: z.string().uuid(), install_scope: InstallScope, scope_id: z.string(), installed_by: z.string() }),
  { category: SKILL_INSTALLATIONS_CATEGORY, description: 'A skill was installed in a scope (the workspace, an app, a user, an agent, a team); installing it again after an uninstall reinstates it.' },
);
export const SkillUninstalled = defineEvent(
  'SkillUninstalled',
  z.object({ installation_id: z.string().uuid(), skill_id: z.string().uuid(), uninstalled_by: z.string().nullable() }),
  { category: SKILL_INSTALLATIONS_CATEGORY, description: 'An installation was removed from its scope.' },
);
// Events: runs.
export const SkillRunQueued = defineEvent(
  'SkillRunQueued',
  z.object({
    run_id: z.string().uuid(),
    skill_id: z.string().uuid(),
    skill_version_id: z.string().uuid(),
    runtime_type: SkillRuntimeType,
    input_json: JsonObject,
    auto_execute: z.boolean(),
  }),
  { category: SKILL_RUNS_CATEGORY, description: 'A run of a skill version was asked for, its input valid against the version’s parameter schema.' },
);
export const SkillRunLeased = defineEvent(
  'SkillRunLeased',
  z.object({ run_id: z.string().uuid(), worker_key: z.string(), lease_id: z.string().uuid(), lease_expires_at: z.string(), attempt: z.number().int().positive() }),
  { category: SKILL_RUNS_CATEGORY, description: 'A worker took the run; only the holder of the newest lease records its steps. A later lease resumes a run whose holder died.' },
);
export const SkillCallStarted = defineEvent(
  'SkillCallStarted',
  z.object({ run_id: z.string().uuid(), idempotency_key: z.string(), attempt: z.number().int().positive() }),
  {
    category: SKILL_RUNS_CATEGORY,
    description: 'The run’s effect (an HTTP call, a program) is about to be made; recorded again, with the same idempotency key, when a resumed run makes a call that was in flight again.',
  },
);
export const SkillRunDelegated = defineEvent('SkillRunDelegated', z.object({ run_id: z.string().uuid(), agent_run_id: z.string().uuid() }), {
  category: SKILL_RUNS_CATEGORY,
  description: 'An agent skill’s run queued its agent run and waits for it to end; the wait ends the lease.',
});
export const SkillAgentRunEnded = defineEvent(
  'SkillAgentRunEnded',
  z.object({
    run_id: z.string().uuid(),
    agent_run_id: z.string().uuid(),
    status: z.enum(['completed', 'failed', 'cancelled']),
    answer: z.string().nullable(),
    error: SkillRunError.nullable(),
  }),
  { category: SKILL_RUNS_CATEGORY, description: 'The agent run an agent skill’s run delegated to ended: its answer, or its error; the skill run goes on from it.' },
);
export const SkillRunCompleted = defineEvent(
  'SkillRunCompleted',
  z.object({ run_id: z.string().uuid(), output_json: z.unknown(), output_text: z.string().nullable(), duration_ms: z.number().nonnegative() }),
  { category: SKILL_RUNS_CATEGORY, description: 'The run ended with an output, valid against the version’s output schema when it has one.' },
);
export const SkillRunFailed = defineEvent('SkillRunFailed', z.object({ run_id: z.string().uuid(), error: SkillRunError }), {
  category: SKILL_RUNS_CATEGORY,
  description: 'The run ended without an output, and why.',
});
export const SkillRunCancelled = defineEvent('SkillRunCancelled', z.object({ run_id: z.string().uuid(), reason: z.string().nullable() }), {
  category: SKILL_RUNS_CATEGORY,
  description: 'Someone cancelled the run before it ended; no further step is recorded.',
});

export const skillEvents = [
  SkillCreated,
  SkillVersionCreated,
  SkillVersionPublished,
  SkillVersionArchived,
  SkillInstalled,
  SkillUninstalled,
  SkillRunQueued,
  SkillRunLeased,
  SkillCallStarted,
  SkillRunDelegated,
  SkillAgentRunEnded,
  SkillRunCompleted,
  SkillRunFailed,
  SkillRunCancelled,
] as const;
export type SkillEvent = EventOf<typeof SkillCreated> | EventOf<typeof SkillVersionCreated> | EventOf<typeof SkillVersionPublished> | EventOf<typeof SkillVersionArchived>;
export type SkillInstallationEvent = EventOf<typeof SkillInstalled> | EventOf<typeof SkillUninstalled>;
export type SkillRunEvent = EventOf<
  | typeof SkillRunQueued
  | typeof SkillRunLeased
  | typeof SkillCallStarted
  | typeof SkillRunDelegated
  | typeof SkillAgentRunEnded
  | typeof SkillRunCompleted
  | typeof SkillRunFailed
  | typeof SkillRunCancelled
>;

// Read models.
export const SkillView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  code: z.string(),
  name: z.string(),
  skill_type: z.string(),
  description: z.string().nullable(),
  latest_published_version_id: z.string().uuid().nullable(),
  version_count: z.number().int(),
  created_time: z.string(),
  updated_time: z.string(),
});
export const SkillVersionView = VersionDefinition.extend({
  id: z.string().uuid(),
  workspace_id: z.string(),
  skill_id: z.string().uuid(),
  version_no: z.number().int(),
  status: SkillVersionStatus,
  created_time: z.string(),
  published_time: z.string().nullable(),
  updated_time: z.string(),
});
export type SkillView = z.infer<typeof SkillView>;
export type SkillVersionView = z.infer<typeof SkillVersionView>;
export const ListSkillsQuery = z.object({
  skill_type: z.string().optional(),
  code: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

export const SkillInstallationStatus = z.enum(['installed', 'uninstalled']);
export const SkillInstallationView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  skill_id: z.string().uuid(),
  install_scope: InstallScope,
  scope_id: z.string(),
  installed_by: z.string(),
  status: SkillInstallationStatus,
  uninstalled_by: z.string().nullable(),
  created_time: z.string(),
  updated_time: z.string(),
});
export type SkillInstallationView = z.infer<typeof SkillInstallationView>;
export const ListSkillInstallationsQuery = z.object({
  skill_id: Id.optional(),
  install_scope: InstallScope.optional(),
  scope_id: z.string().max(200).optional(),
  status: SkillInstallationStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

export const SkillRunStatus = z.enum(['queued', 'running', 'awaiting_agent', 'completed', 'failed', 'cancelled']);
export type SkillRunStatus = z.infer<typeof SkillRunStatus>;
export const SkillRunView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  skill_id: z.string().uuid(),
  skill_version_id: z.string().uuid(),
  runtime_type: SkillRuntimeType,
  status: SkillRunStatus,
  input_json: JsonObject,
  output_json: z.unknown().nullable(),
  output_text: z.string().nullable(),
  error: SkillRunError.nullable(),
  auto_execute: z.boolean(),
  worker_key: z.string().nullable(),
  attempts: z.number().int(),
  /** Times its effect was started: above 1 when a resumed run made a call that was in flight again. */
  calls: z.number().int(),
  /** The agent run an agent skill's run delegated to. */
  agent_run_id: z.string().uuid().nullable(),
  duration_ms: z.number().nullable(),
  lease_expires_at: z.string().nullable(),
  created_time: z.string(),
  started_time: z.string().nullable(),
  finished_time: z.string().nullable(),
  updated_time: z.string(),
});
export type SkillRunView = z.infer<typeof SkillRunView>;
export const ListSkillRunsQuery = z.object({
  skill_id: Id.optional(),
  status: SkillRunStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
/** What executing a run answers: where the run stands, from its own stream (no read model lag). */
export const SkillRunOutcome = SkillRunView.pick({
  id: true,
  skill_id: true,
  skill_version_id: true,
  runtime_type: true,
  status: true,
  input_json: true,
  output_json: true,
  output_text: true,
  error: true,
  worker_key: true,
  attempts: true,
  calls: true,
  agent_run_id: true,
}).extend({ position: z.number().int() });
export type SkillRunOutcome = z.infer<typeof SkillRunOutcome>;

/** The names of skills, commands and events as every package derives them. */
export const SKILL_DEFINITION = versionedDefinition('skill', {
  article: 'a',
  retire: { verb: 'Archive', past: 'Archived', status: 'archived', summary: 'Archive a skill version' },
});

export const skillsDomain = defineDomain({ name: 'skills', events: skillEvents, projections: ['skills', 'skill-installations', 'skill-runs'] });
