import { z } from 'zod';
import { defineCommand } from './commands.js';
import { defineDomain } from './domain.js';
import { defineEvent, type EventOf } from './events.js';
import { ToolType } from './tools.js';
import { HandBackMessages, HumanDecision, PauseMode, RunHandBack, RunPause, RunWait, RunWaitReason } from './agent-run-waits.js';

/**
 * An agent run is a journal: every step is recorded before and after it happens, by the processor
 * that holds the run's lease, so a run interrupted anywhere resumes from its last recorded step.
 */
export const AGENT_RUNS_CATEGORY = 'agentrun';

const Id = z.string().uuid().toLowerCase();
export const AgentRunStatus = z.enum(['queued', 'running', 'awaiting_human', 'completed', 'failed', 'cancelled']);
export type AgentRunStatus = z.infer<typeof AgentRunStatus>;
export const TERMINAL_RUN_STATUSES: readonly AgentRunStatus[] = ['completed', 'failed', 'cancelled'];
export const Usage = z.object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() });
export type Usage = z.infer<typeof Usage>;

export const CreateAgentRunBody = z.object({
  agent_id: Id,
  agent_version_id: Id.optional(),
  session_id: Id,
  input_text: z.string().min(1).max(200_000),
  auto_execute: z.boolean().default(true),
  dry_run: z.boolean().default(false),
});
export type CreateAgentRunBody = z.infer<typeof CreateAgentRunBody>;

/** A tool an agent version may call, resolved at preparation to the version the run will use. */
export const SelectedToolRef = z.object({
  tool_id: z.string().uuid(),
  tool_version_id: z.string().uuid(),
  tool_code: z.string(),
  tool_type: ToolType,
  description: z.string().nullable(),
  input_schema_json: z.record(z.string(), z.unknown()),
  /** Why the run has it: a selection rule, or `react` (a ReAct run offers every tool of the version to the model). */
  selected_by: z.enum(['required', 'auto_invoke', 'keyword', 'react']),
  /** From version 4 of the plan: each call waits for a person's approval of its input (false in older plans and their read-model rows). */
  requires_approval: z.boolean().default(false),
});
export type SelectedToolRef = z.infer<typeof SelectedToolRef>;
/** A skill an agent version uses, as selected; it runs as a skill run before the model call, its version resolved then (the ref's, or the newest published). */
export const SelectedSkillRef = z.object({
  skill_id: z.string().uuid().nullable(),
  skill_code: z.string().nullable(),
  skill_version_id: z.string().uuid().nullable(),
  selected_by: z.enum(['default', 'keyword']),
  requires_approval: z.boolean().default(false),
});
export type SelectedSkillRef = z.infer<typeof SelectedSkillRef>;
/** A message of the run's prompt as prepared: system prompt, session history, the input. */
export const RunMessage = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });
export type RunMessage = z.infer<typeof RunMessage>;
/** A memory the run read: its id and search score only, never its text (the plan is in the log in clear; see docs/erasure.md). */
export const RunMemoryRead = z.object({ memory_id: z.string().uuid(), score: z.number() });
/**
 * What the run did about memory. `read`: it searched its scope and recorded what it found, by id
 * (`read_memories`); the text is put into the prompt at each model call from the memories read model, so a
 * memory forgotten meanwhile is left out. `write: pending`: a memory of the conversation is written once
 * the run completes; the run's view then says `written` (a plan never does). `skipped`: the scope has no id
 * (team memory, until teams exist). `unavailable`: a dependency is missing in this process; `note` says so.
 */
export const RunMemory = z.object({
  read: z.enum(['disabled', 'unavailable', 'skipped', 'read']),
  write: z.enum(['disabled', 'unavailable', 'skipped', 'pending', 'written']),
  memory_scope: z.string(),
  /** The scope's id the run read and writes (its session's id, its user's, its agent's); null when it has none. */
  scope_id: z.string().nullable(),
  read_top_k: z.number().int(),
  read_count: z.number().int().nonnegative(),
  read_memories: z.array(RunMemoryRead),
  note: z.string().nullable(),
});
export type RunMemory = z.infer<typeof RunMemory>;
/** A version 1 plan's memory, as version 2 says it: nothing was read, and no scope id was resolved. */
const upcastPreparedV1 = (data: unknown): unknown => {
  const plan = data as { memory?: Record<string, unknown> };
  return plan.memory ? { ...plan, memory: { ...plan.memory, scope_id: null, read_memories: [] } } : plan;
};
/**
 * A chunk a knowledge base gave the run's prompt: ids and score only, never its text. The plan is in the
 * log in clear and a deleted document's text must go (docs/erasure.md): the text is read by chunk id when the
 * prompt is sent, and a chunk deleted meanwhile is left out.
 */
export const RunCitation = z.object({
  knowledge_base_id: z.string().uuid(),
  document_id: z.string().uuid(),
  /** `<document id>:<chunk index>`, as the chunks read model names it. */
  chunk_id: z.string(),
  chunk_index: z.number().int().nonnegative(),
  score: z.number(),
});
export type RunCitation = z.infer<typeof RunCitation>;
/** A citation as a run's view shows it: with its document's title, read when the run is, and null once the document is deleted. */
export const RunCitationView = RunCitation.extend({ document_title: z.string().nullable() });
/** A tool call the model asked for, as OpenAI sends it (`arguments` is JSON text). */
export const RunToolCall = z.object({ id: z.string(), name: z.string(), arguments: z.string() });
export const RunError = z.object({ code: z.string(), message: z.string() });
export type RunError = z.infer<typeof RunError>;

const Prepared = z.object({
  run_id: z.string().uuid(),
  dry_run: z.boolean(),
  model: z.string(),
  temperature: z.number().nullable(),
  max_tokens: z.number().int().nullable(),
  react_enabled: z.boolean(),
  react_max_steps: z.number().int().positive(),
  /** From version 4: the ReAct loop offers the model `ask_human` (a question to a person, answered through an `input` task). */
  ask_human_enabled: z.boolean(),
  messages: z.array(RunMessage),
  selected_tool_refs: z.array(SelectedToolRef),
  selected_skill_refs: z.array(SelectedSkillRef),
  memory: RunMemory,
  /** The chunks of the version's knowledge bases the run was given, best first within each base, bases in the version's order. */
  citations: z.array(RunCitation),
});
export type PreparedRun = z.infer<typeof Prepared>;
const ModelCall = z.object({
  run_id: z.string().uuid(),
  step: z.number().int().positive(),
  model: z.string(),
  content: z.string().nullable(),
  tool_calls: z.array(RunToolCall),
  finish_reason: z.string(),
  usage: Usage,
  duration_ms: z.number().nonnegative(),
});
export type RecordedModelCall = z.infer<typeof ModelCall>;
const InvocationRef = {
  run_id: z.string().uuid(),
  invocation_id: z.string().uuid(),
  /** The model call that asked for it; 0 for tools a run without ReAct invokes before its model call. */
  step: z.number().int().nonnegative(),
};
const InvocationStart = z.object({
  ...InvocationRef,
  tool_id: z.string().uuid().nullable(),
  tool_version_id: z.string().uuid().nullable(),
  tool_code: z.string(),
  input_json: z.record(z.string(), z.unknown()),
  /** Sent as `Idempotency-Key`; the same on every attempt of this invocation. */
  idempotency_key: z.string(),
  /** The native tool call this answers, or null for a JSON action. */
  tool_call_id: z.string().nullable(),
});
export type InvocationStart = z.infer<typeof InvocationStart>;

const Leased = { lease_id: z.string() };
export const AgentRunCommand = z.discriminatedUnion('type', [
  // The version is resolved by then: the one asked for, or the agent's newest published one.
  // A team's member run names its team run and member; the HTTP body never does (`CreateAgentRunBody` has no such field).
  defineCommand(
    'QueueAgentRun',
    CreateAgentRunBody.extend({ run_id: z.string(), agent_version_id: z.string(), workspace_id: z.string(), team_run_id: z.string().optional(), member_key: z.string().optional() }),
  ),
  /** Takes the run, or renews the lease its holder has (same `lease_id`). */
  defineCommand(
    'LeaseAgentRun',
    z.object({ run_id: z.string(), worker_key: z.string(), ...Leased, now: z.string(), lease_ms: z.number() }),
  ),
  defineCommand('PrepareAgentRun', Prepared.extend(Leased)),
  defineCommand('RecordModelCall', ModelCall.extend(Leased)),
  defineCommand('SelectToolInvocation', InvocationStart.extend(Leased)),
  defineCommand('StartToolInvocation', InvocationStart.extend(Leased)),
  defineCommand(
    'CompleteToolInvocation',
    z.object({ run_id: z.string(), ...Leased, invocation_id: z.string(), output_json: z.unknown(), duration_ms: z.number() }),
  ),
  defineCommand('FailToolInvocation', InvocationStart.extend({ ...Leased, error: RunError, duration_ms: z.number().nullable() })),
  defineCommand('SkipToolInvocation', InvocationStart.extend({ ...Leased, reason: z.string() })),
  /** The run stops to wait for a person; only its lease holder records it. */
  defineCommand('AwaitHuman', RunWait.extend(Leased)),
  /** A task the run waits on ended: an outside fact, recorded only if the run waits on exactly that task. */
  defineCommand('RecordHumanDecision', HumanDecision.extend({ workspace_id: z.string() })),
  /** A person stops a queued or running run (its lease ends); `task_id` names the takeover task, for a takeover. */
  defineCommand('PauseAgentRun', z.object({ run_id: z.string(), workspace_id: z.string(), mode: PauseMode, by: z.string().nullable(), reason: z.string().nullable(), task_id: z.string().nullable() })),
  /** A person gives a stopped run back, with what they wrote meanwhile. */
  defineCommand('ResumeAgentRun', z.object({ run_id: z.string(), workspace_id: z.string(), by: z.string().nullable(), messages: HandBackMessages })),
  defineCommand('CompleteAgentRun', z.object({ run_id: z.string(), ...Leased, answer: z.string() })),
  defineCommand('FailAgentRun', z.object({ run_id: z.string(), ...Leased, error: RunError })),
  defineCommand('CancelAgentRun', z.object({ run_id: z.string(), workspace_id: z.string(), reason: z.string().optional() })),
]);
export type AgentRunCommand = z.infer<typeof AgentRunCommand>;

export const AgentRunQueued = defineEvent(
  'AgentRunQueued',
  z.object({
    run_id: z.string().uuid(),
    agent_id: z.string().uuid(),
    agent_version_id: z.string().uuid(),
    session_id: z.string().uuid(),
    input_text: z.string(),
    auto_execute: z.boolean(),
    dry_run: z.boolean(),
    /** From version 2: the team run whose member step this run is, and the member; null for a run of its own. */
    team_run_id: z.string().uuid().nullable(),
    member_key: z.string().nullable(),
  }),
  {
    category: AGENT_RUNS_CATEGORY,
    description: 'A run of an agent version was asked for; processors pick up queued runs. From version 2 it names the team run and member it works for, if any.',
    version: 2,
    // Runs queued before teams existed belong to no team.
    upcasters: { 1: (data) => ({ ...(data as object), team_run_id: null, member_key: null }) },
  },
);
export const AgentRunLeased = defineEvent(
  'AgentRunLeased',
  z.object({
    run_id: z.string().uuid(),
    worker_key: z.string(),
    lease_id: z.string().uuid(),
    lease_expires_at: z.string(),
    attempt: z.number().int().positive(),
  }),
  {
    category: AGENT_RUNS_CATEGORY,
    description: 'A processor took the run; only the holder of the newest lease may record its steps. A later lease resumes a run whose holder died.',
  },
);
type PlanRefs = { selected_tool_refs?: object[]; selected_skill_refs?: object[] };
/** No ref of a plan before version 4 required an approval. */
const upcastPreparedV3 = (data: unknown): unknown => {
  const plan = data as PlanRefs;
  const none = (refs: object[] | undefined) => refs?.map((r) => ({ ...r, requires_approval: false }));
  return { ...plan, ask_human_enabled: false, selected_tool_refs: none(plan.selected_tool_refs), selected_skill_refs: none(plan.selected_skill_refs) };
};
/**
 * Version 2 records the memories the run read (ids and scores, never their text) and the scope id it reads
 * and writes. Version 1 read nothing (memory was `unavailable` or `disabled` then): it is upcast with no
 * memories read and no scope id. Version 3 records the knowledge chunks the run was given (`citations`, ids
 * and scores); versions before it searched no knowledge base, so they are upcast with none. Version 4 says of
 * each selected tool and skill whether its calls wait for a person's approval, and whether the run may ask a
 * person a question (`ask_human_enabled`); no run did either before.
 */
export const AgentRunPrepared = defineEvent('AgentRunPrepared', Prepared, {
  category: AGENT_RUNS_CATEGORY,
  description:
    'The run was planned: the prompt it sends, the tools and skills it selected, what it did about memory (from version 2, the ids and scores of the memories it read, never their text), and (from version 3) the knowledge chunks it cites, by id and score; from version 4, which calls wait for an approval and whether the model may ask a person. A resumed run reuses it, so it never re-plans.',
  version: 4,
  upcasters: { 1: (data) => upcastPreparedV1(data), 2: (data) => ({ ...(data as object), citations: [] }), 3: (data) => upcastPreparedV3(data) },
});
export const ModelCallCompleted = defineEvent('ModelCallCompleted', ModelCall, {
  category: AGENT_RUNS_CATEGORY,
  description: 'The model answered step `step`: text, tool calls, usage. A resumed run replays the answer instead of calling the model again.',
});
export const ToolInvocationSelected = defineEvent('ToolInvocationSelected', InvocationStart, {
  category: AGENT_RUNS_CATEGORY,
  description: 'A dry run selected the tool and called nothing.',
});
export const ToolInvocationStarted = defineEvent('ToolInvocationStarted', InvocationStart, {
  category: AGENT_RUNS_CATEGORY,
  description: 'The tool is being called; recorded again when a resumed run retries a call that was in flight, with the same idempotency key.',
});
export const ToolInvocationCompleted = defineEvent(
  'ToolInvocationCompleted',
  z.object({ ...InvocationRef, output_json: z.unknown(), duration_ms: z.number().nonnegative() }),
  { category: AGENT_RUNS_CATEGORY, description: 'The tool answered; a resumed run uses this output and never calls the tool again.' },
);
export const ToolInvocationFailed = defineEvent(
  'ToolInvocationFailed',
  InvocationStart.extend({ error: RunError, duration_ms: z.number().nonnegative().nullable() }),
  { category: AGENT_RUNS_CATEGORY, description: 'The tool call failed (refused address, timeout, error status, unknown tool); the model is told and goes on.' },
);
export const ToolInvocationSkipped = defineEvent('ToolInvocationSkipped', InvocationStart.extend({ reason: z.string() }), {
  category: AGENT_RUNS_CATEGORY,
  description: 'A selected tool or skill was not called, and why.',
});
export const AgentRunAwaitingHuman = defineEvent('AgentRunAwaitingHuman', RunWait, {
  category: AGENT_RUNS_CATEGORY,
  description:
    'The run waits for a person (an approval of a call, an answer to a question): its lease ends, and the task it waits on (`task_id`, created from `task` after this is recorded) is the only one that moves it on.',
});
export const AgentRunResumed = defineEvent('AgentRunResumed', HumanDecision, {
  category: AGENT_RUNS_CATEGORY,
  description:
    'The task the run waited on ended (approved, with what was approved and its hash; rejected; answered; cancelled; expired): the run goes on from there, and a call it waited to make is made only with the approved input.',
});
export const AgentRunPaused = defineEvent('AgentRunPaused', RunPause, {
  category: AGENT_RUNS_CATEGORY,
  description:
    'A person stopped the run (`pause`), or took its session over (`takeover`, through the task `task_id`): its lease ends, a step in flight is given up (a tool call is retried with its idempotency key on resume), and nothing drives it until it is resumed.',
});
export const AgentRunUnpaused = defineEvent('AgentRunUnpaused', RunHandBack, {
  category: AGENT_RUNS_CATEGORY,
  description:
    'A person gave a stopped run back, with the messages they wrote meanwhile: they join the session, and the prompt before the model call after `after_step`.',
});
/**
 * Version 2 also says whose answer it is (the run's session, agent and version, and whether it was a dry
 * run), so a consumer that acts on the answer need not read the queued event. Version 1 did not record
 * them; its events are upcast without them, and those fields are absent only there. Version 3 names the
 * team run the run was a member step of (null for a run of its own): a member's answer is its team's to
 * use, not its session's.
 */
export const AgentRunCompleted = defineEvent(
  'AgentRunCompleted',
  z.object({
    run_id: z.string().uuid(),
    answer: z.string(),
    usage: Usage,
    session_id: z.string().uuid().optional(),
    agent_id: z.string().uuid().optional(),
    agent_version_id: z.string().uuid().optional(),
    dry_run: z.boolean().optional(),
    team_run_id: z.string().uuid().nullable().optional(),
  }),
  {
    category: AGENT_RUNS_CATEGORY,
    description:
      "The run finished with an answer; usage totals every model call of the run. From version 2 it names the run's session, agent, version and dry_run; from version 3 the team run it worked for, if any.",
    version: 3,
    // Version 1 data is version 2 data without the fields it never recorded; no run before version 3 worked for a team.
    upcasters: { 1: (data) => data, 2: (data) => ({ ...(data as object), team_run_id: null }) },
  },
);
export const AgentRunFailed = defineEvent(
  'AgentRunFailed',
  z.object({ run_id: z.string().uuid(), error: RunError }),
  { category: AGENT_RUNS_CATEGORY, description: 'The run ended without an answer.' },
);
export const AgentRunCancelled = defineEvent(
  'AgentRunCancelled',
  z.object({ run_id: z.string().uuid(), reason: z.string().nullable() }),
  { category: AGENT_RUNS_CATEGORY, description: 'Someone cancelled the run before it ended; no further step is recorded.' },
);
export const agentRunEvents = [
  AgentRunQueued,
  AgentRunLeased,
  AgentRunPrepared,
  ModelCallCompleted,
  ToolInvocationSelected,
  ToolInvocationStarted,
  ToolInvocationCompleted,
  ToolInvocationFailed,
  ToolInvocationSkipped,
  AgentRunAwaitingHuman,
  AgentRunResumed,
  AgentRunPaused,
  AgentRunUnpaused,
  AgentRunCompleted,
  AgentRunFailed,
  AgentRunCancelled,
] as const;
export type AgentRunEvent = EventOf<(typeof agentRunEvents)[number]>;
/** The events that end a run: nothing is recorded after one. */
export const AGENT_RUN_ENDINGS: ReadonlySet<string> = new Set([AgentRunCompleted.type, AgentRunFailed.type, AgentRunCancelled.type]);

// Read model.
export const AgentRunView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  agent_id: z.string().uuid(),
  agent_version_id: z.string().uuid(),
  session_id: z.string().uuid(),
  /** The team run and member this run works for; null for a run of its own. */
  team_run_id: z.string().uuid().nullable(),
  member_key: z.string().nullable(),
  input_text: z.string(),
  status: AgentRunStatus,
  auto_execute: z.boolean(),
  dry_run: z.boolean(),
  worker_key: z.string().nullable(),
  attempts: z.number().int(),
  output_text: z.string().nullable(),
  error: RunError.nullable(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  /** Model calls made so far. */
  steps: z.number().int(),
  lease_expires_at: z.string().nullable(),
  selected_tool_refs: z.array(SelectedToolRef),
  selected_skill_refs: z.array(SelectedSkillRef),
  memory: RunMemory.nullable(),
  /** The knowledge chunks the run's prompt was given (empty until it is planned), each with its document's title as it is now. */
  citations: z.array(RunCitationView),
  /** What the run waits for while it is `awaiting_human`: the task, and why; null otherwise. */
  waiting_for: z
    .object({
      /** `approval` or `input`: a call or a question of the run's; `pause` or `takeover`: a person stopped it. */
      reason: z.union([RunWaitReason, PauseMode]),
      /** The task that moves it on; null for a pause, which `resume` ends. */
      task_id: z.string().uuid().nullable(),
      invocation_id: z.string().uuid().nullable(),
      step: z.number().int(),
    })
    .nullable(),
  created_time: z.string(),
  started_time: z.string().nullable(),
  finished_time: z.string().nullable(),
  updated_time: z.string(),
});
export type AgentRunView = z.infer<typeof AgentRunView>;
export const ListAgentRunsQuery = z.object({
  agent_id: z.string().uuid().toLowerCase().optional(),
  session_id: z.string().uuid().toLowerCase().optional(),
  team_run_id: z.string().uuid().toLowerCase().optional(),
  status: AgentRunStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

/** `awaiting_human`: the call waits for a person's approval (see `approval`). */
export const ToolInvocationStatus = z.enum(['selected', 'awaiting_human', 'running', 'skipped', 'completed', 'failed']);
export type ToolInvocationStatus = z.infer<typeof ToolInvocationStatus>;
export const ToolInvocationView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  run_id: z.string().uuid(),
  step: z.number().int(),
  tool_id: z.string().uuid().nullable(),
  tool_version_id: z.string().uuid().nullable(),
  tool_code: z.string(),
  status: ToolInvocationStatus,
  input_json: z.record(z.string(), z.unknown()),
  output_json: z.unknown().nullable(),
  error: RunError.nullable(),
  idempotency_key: z.string(),
  /** Times the call was started: above 1 when a resumed run retried a call that was in flight. */
  attempts: z.number().int(),
  /** For a call that waited for a person: the task, who decided, and the hash of the input approved (the call's must match it). */
  approval: z
    .object({
      task_id: z.string().uuid(),
      outcome: z.string().nullable(),
      acted_by: z.string().nullable(),
      proposed_input_hash: z.string(),
      approved_input_hash: z.string().nullable(),
      edited: z.boolean().nullable(),
      comment: z.string().nullable(),
    })
    .nullable(),
  duration_ms: z.number().nullable(),
  started_time: z.string().nullable(),
  finished_time: z.string().nullable(),
  created_time: z.string(),
});
export type ToolInvocationView = z.infer<typeof ToolInvocationView>;

export const ExecuteAgentRunBody = z.object({
  worker_key: z.string().min(1).max(200).default('api'),
  /** Plan only: select tools and skills, call nothing. Overrides the run's own `dry_run` when given. */
  dry_run: z.boolean().optional(),
  /** `false` answers 202 at once; otherwise the answer waits (bounded) until the run ends or waits for a human. */
  wait: z.boolean().default(true),
  lease_seconds: z.number().int().min(5).max(3600).optional(),
});
export type ExecuteAgentRunBody = z.infer<typeof ExecuteAgentRunBody>;
export const ExecuteNextAgentRunBody = z.object({
  worker_key: z.string().min(1).max(200),
  lease_seconds: z.number().int().min(5).max(3600).default(300),
  dry_run: z.boolean().optional(),
  wait: z.boolean().default(true),
});
export type ExecuteNextAgentRunBody = z.infer<typeof ExecuteNextAgentRunBody>;
/** What executing a run answers: where the run stands, from its own stream (no read model lag). */
export const AgentRunOutcome = AgentRunView.pick({
  id: true,
  agent_id: true,
  agent_version_id: true,
  session_id: true,
  input_text: true,
  auto_execute: true,
  status: true,
  dry_run: true,
  worker_key: true,
  attempts: true,
  steps: true,
  output_text: true,
  error: true,
  prompt_tokens: true,
  completion_tokens: true,
  selected_tool_refs: true,
  selected_skill_refs: true,
  waiting_for: true,
}).extend({
  /** The global position of the run's last event: send it as `x-min-position` to read the run's read models. */
  position: z.number().int(),
});
export type AgentRunOutcome = z.infer<typeof AgentRunOutcome>;

export const agentRunsDomain = defineDomain({ name: 'agent-runs', events: agentRunEvents, projections: ['agent-runs'] });
