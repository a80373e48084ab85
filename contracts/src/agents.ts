import { z } from 'zod';
import { defineCommand } from './commands.js';
import { defineDomain } from './domain.js';
import { defineEvent, type EventOf } from './events.js';
import { versionedDefinition } from './versionedDefinition.js';

export const AGENTS_CATEGORY = 'agent';

const Code = z.string().min(1).max(100).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits and _ . - only');
export const AgentVersionStatus = z.enum(['draft', 'published', 'archived']);
export type AgentVersionStatus = z.infer<typeof AgentVersionStatus>;
export const MemoryScope = z.enum(['user', 'session', 'agent', 'team']);

export const ModelConfig = z.object({
  model: z.string().min(1).max(200).optional(),
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().min(1).max(200_000).optional(),
  react_enabled: z.boolean().default(false),
  react_max_steps: z.number().int().min(1).max(50).default(5),
  /** A ReAct run may ask a person a question (`ask_human`) and goes on with the answer; off unless set. */
  ask_human_enabled: z.boolean().default(false),
});
export const MemoryPolicy = z.object({
  enabled: z.boolean().default(false),
  memory_scope: MemoryScope.default('session'),
  read_top_k: z.number().int().min(0).max(100).default(5),
  write_enabled: z.boolean().default(false),
  config_json: z.object({ write_importance_score: z.number().min(0).max(100).optional() }).catchall(z.unknown()).default({}),
});
const RefConfig = z.object({ auto_invoke: z.boolean().optional() }).catchall(z.unknown()).default({});
/** A tool an agent may call: by id or by code; selected when required, auto-invoked, or a keyword matches the input. */
export const ToolRef = z
  .object({
    tool_id: z.string().uuid().toLowerCase().optional(),
    tool_code: Code.optional(),
    tool_version_id: z.string().uuid().toLowerCase().optional(),
    required: z.boolean().default(false),
    /** A person approves each call before it is made, the input it will be made with included (see `human-tasks.ts`). */
    requires_approval: z.boolean().default(false),
    selection_keywords: z.array(z.string().min(1).max(100)).max(100).default([]),
    config_json: RefConfig,
  })
  .refine((r) => r.tool_id || r.tool_code, { message: 'needs tool_id or tool_code', path: ['tool_id'] });
/** A skill an agent may use: selected by default unless `config_json.auto_invoke` is false, or by keyword. */
export const SkillRef = z
  .object({
    skill_id: z.string().uuid().toLowerCase().optional(),
    skill_code: Code.optional(),
    skill_version_id: z.string().uuid().toLowerCase().optional(),
    /** A person approves the skill's call before it is made. */
    requires_approval: z.boolean().default(false),
    selection_keywords: z.array(z.string().min(1).max(100)).max(100).default([]),
    config_json: RefConfig,
  })
  .refine((r) => r.skill_id || r.skill_code, { message: 'needs skill_id or skill_code', path: ['skill_id'] });

/** A version searches each of its knowledge bases for a run's input; the best `top_k` chunks of each join the prompt. */
export const KnowledgeRef = z.object({
  knowledge_base_id: z.string().uuid().toLowerCase(),
  top_k: z.number().int().min(1).max(20).default(3),
});
export type KnowledgeRef = z.infer<typeof KnowledgeRef>;
/** Each ref is a search on every run's critical path, and every chunk found goes into the prompt. */
export const MAX_KNOWLEDGE_REFS = 5;
const KnowledgeRefs = z
  .array(KnowledgeRef)
  .max(MAX_KNOWLEDGE_REFS)
  // Twice the same base would put the same chunks into the prompt twice.
  .refine((refs) => new Set(refs.map((r) => r.knowledge_base_id)).size === refs.length, { message: 'names a knowledge base twice' });

export const CreateAgentBody = z.object({
  code: Code,
  name: z.string().min(1).max(200),
  agent_type: z.string().min(1).max(100).default('assistant'),
  description: z.string().max(10_000).optional(),
});
const VersionDefinition = z.object({
  role: z.string().max(500).nullable().default(null),
  goal: z.string().max(10_000).nullable().default(null),
  system_prompt: z.string().max(200_000).nullable().default(null),
  model_config: ModelConfig.default({ react_enabled: false, react_max_steps: 5, ask_human_enabled: false }),
  memory_policy: MemoryPolicy.default({ enabled: false, memory_scope: 'session', read_top_k: 5, write_enabled: false, config_json: {} }),
  tool_refs: z.array(ToolRef).max(100).default([]),
  skill_refs: z.array(SkillRef).max(100).default([]),
  knowledge_refs: KnowledgeRefs.default([]),
});
export const CreateAgentVersionBody = VersionDefinition.extend({
  agent_id: z.string().uuid().toLowerCase(),
  status: AgentVersionStatus.default('draft'),
});
export type CreateAgentBody = z.infer<typeof CreateAgentBody>;
export type CreateAgentVersionBody = z.infer<typeof CreateAgentVersionBody>;
export type AgentVersionDefinition = z.infer<typeof VersionDefinition>;

const VersionTransition = z.object({ agent_id: z.string(), version_id: z.string(), workspace_id: z.string() });
export const AgentCommand = z.discriminatedUnion('type', [
  defineCommand('CreateAgent', CreateAgentBody.extend({ agent_id: z.string(), workspace_id: z.string() })),
  defineCommand('CreateAgentVersion', CreateAgentVersionBody.extend({ version_id: z.string(), workspace_id: z.string() })),
  defineCommand('PublishAgentVersion', VersionTransition),
  defineCommand('ArchiveAgentVersion', VersionTransition),
]);
export type AgentCommand = z.infer<typeof AgentCommand>;

// Events.
type Refs = { tool_refs?: object[]; skill_refs?: object[] };
const withoutApprovals = (data: unknown): unknown => {
  const refs = data as Refs;
  const none = (list: object[] | undefined) => list?.map((r) => ({ ...r, requires_approval: false }));
  const model_config = (data as { model_config?: object }).model_config;
  return { ...refs, tool_refs: none(refs.tool_refs), skill_refs: none(refs.skill_refs), ...(model_config ? { model_config: { ...model_config, ask_human_enabled: false } } : {}) };
};
export const AgentCreated = defineEvent(
  'AgentCreated',
  z.object({ agent_id: z.string().uuid(), code: z.string(), name: z.string(), agent_type: z.string(), description: z.string().nullable() }),
  { category: AGENTS_CATEGORY, description: 'An agent was defined; its code is unique in the workspace.' },
);
/**
 * Version 2 adds `knowledge_refs`; a version 1 version searched no knowledge base, so it is upcast with none.
 * Version 3 adds `requires_approval` to each tool and skill ref, and `model_config.ask_human_enabled`; no
 * ref before it required an approval, and no version let its runs ask a person.
 */
export const AgentVersionCreated = defineEvent(
  'AgentVersionCreated',
  VersionDefinition.extend({ agent_id: z.string().uuid(), version_id: z.string().uuid(), version_no: z.number().int().positive() }),
  {
    category: AGENTS_CATEGORY,
    description:
      'A draft version of an agent: prompt, model configuration, memory policy, tools, skills, (from version 2) the knowledge bases it searches and (from version 3) which tool and skill calls a person approves first, and whether a run may ask a person a question.',
    version: 3,
    upcasters: { 1: (data) => ({ ...(data as object), knowledge_refs: [] }), 2: (data) => withoutApprovals(data) },
  },
);
export const AgentVersionPublished = defineEvent(
  'AgentVersionPublished',
  z.object({ agent_id: z.string().uuid(), version_id: z.string().uuid() }),
  { category: AGENTS_CATEGORY, description: 'An agent version became runnable; runs without a version use the newest published one.' },
);
export const AgentVersionArchived = defineEvent(
  'AgentVersionArchived',
  z.object({ agent_id: z.string().uuid(), version_id: z.string().uuid() }),
  { category: AGENTS_CATEGORY, description: 'An agent version was retired; no new run uses it.' },
);
export const agentEvents = [AgentCreated, AgentVersionCreated, AgentVersionPublished, AgentVersionArchived] as const;
export type AgentEvent =
  | EventOf<typeof AgentCreated>
  | EventOf<typeof AgentVersionCreated>
  | EventOf<typeof AgentVersionPublished>
  | EventOf<typeof AgentVersionArchived>;

// Read models.
export const AgentView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  code: z.string(),
  name: z.string(),
  agent_type: z.string(),
  description: z.string().nullable(),
  latest_published_version_id: z.string().uuid().nullable(),
  version_count: z.number().int(),
  created_time: z.string(),
  updated_time: z.string(),
});
export const AgentVersionView = VersionDefinition.extend({
  id: z.string().uuid(),
  workspace_id: z.string(),
  agent_id: z.string().uuid(),
  version_no: z.number().int(),
  status: AgentVersionStatus,
  created_time: z.string(),
  published_time: z.string().nullable(),
  updated_time: z.string(),
});
export type AgentView = z.infer<typeof AgentView>;
export type AgentVersionView = z.infer<typeof AgentVersionView>;
export const ListAgentsQuery = z.object({
  agent_type: z.string().optional(),
  code: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

/** The names of agents, commands and events as every package derives them. */
export const AGENT_DEFINITION = versionedDefinition('agent', {
  article: 'an',
  retire: { verb: 'Archive', past: 'Archived', status: 'archived', summary: 'Archive an agent version' },
});

export const agentsDomain = defineDomain({ name: 'agents', events: agentEvents, projections: ['agents'] });
