import { z } from 'zod';
import { defineCommand } from './commands.js';
import { defineDomain } from './domain.js';
import { defineEvent, type EventOf } from './events.js';
import { checkInvokeConfig } from './toolInvokeRules.js';
import { versionedDefinition } from './versionedDefinition.js';

export const TOOLS_CATEGORY = 'tool';

const Code = z.string().min(1).max(100).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits and _ . - only');
const JsonObject = z.record(z.string(), z.unknown());
export const ToolType = z.enum(['http', 'skill', 'code']);
export type ToolType = z.infer<typeof ToolType>;
export const ToolVersionStatus = z.enum(['draft', 'published', 'deprecated']);
export type ToolVersionStatus = z.infer<typeof ToolVersionStatus>;

/** How an HTTP tool is called; `base_url` + `path`, `headers` added to every call. */
export const InvokeConfig = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  base_url: z.string().url().optional(),
  path: z.string().max(2000).default(''),
  headers: z.record(z.string(), z.string()).default({}),
  timeout_ms: z.number().int().min(1).max(300_000).default(10_000),
});
export type InvokeConfig = z.infer<typeof InvokeConfig>;

// Commands, as the HTTP body carries them (seed-compatible).
export const CreateToolBody = z.object({
  code: Code,
  name: z.string().min(1).max(200),
  tool_type: ToolType,
  description: z.string().max(10_000).optional(),
});
export const CreateToolVersionBody = z.object({
  tool_id: z.string().uuid().toLowerCase(),
  status: ToolVersionStatus.exclude(['deprecated']).default('draft'),
  input_schema_json: JsonObject.default({}),
  output_schema_json: JsonObject.default({}),
  invoke_config_json: InvokeConfig.superRefine(checkInvokeConfig).default({ method: 'POST', path: '', headers: {}, timeout_ms: 10_000 }),
});
export type CreateToolBody = z.infer<typeof CreateToolBody>;
export type CreateToolVersionBody = z.infer<typeof CreateToolVersionBody>;

const VersionTransition = z.object({ tool_id: z.string(), version_id: z.string(), workspace_id: z.string() });
export const ToolCommand = z.discriminatedUnion('type', [
  defineCommand('CreateTool', CreateToolBody.extend({ tool_id: z.string(), workspace_id: z.string() })),
  defineCommand('CreateToolVersion', CreateToolVersionBody.extend({ version_id: z.string(), workspace_id: z.string() })),
  defineCommand('PublishToolVersion', VersionTransition),
  defineCommand('DeprecateToolVersion', VersionTransition),
]);
export type ToolCommand = z.infer<typeof ToolCommand>;

// Events.
export const ToolCreated = defineEvent(
  'ToolCreated',
  z.object({ tool_id: z.string().uuid(), code: z.string(), name: z.string(), tool_type: ToolType, description: z.string().nullable() }),
  { category: TOOLS_CATEGORY, description: 'A tool was defined; its code is unique in the workspace.' },
);
export const ToolVersionCreated = defineEvent(
  'ToolVersionCreated',
  z.object({
    tool_id: z.string().uuid(),
    version_id: z.string().uuid(),
    version_no: z.number().int().positive(),
    input_schema_json: JsonObject,
    output_schema_json: JsonObject,
    invoke_config_json: InvokeConfig,
  }),
  { category: TOOLS_CATEGORY, description: 'A draft version of a tool: its input and output schemas and how to invoke it.' },
);
export const ToolVersionPublished = defineEvent(
  'ToolVersionPublished',
  z.object({ tool_id: z.string().uuid(), version_id: z.string().uuid() }),
  { category: TOOLS_CATEGORY, description: 'A tool version became usable by agents; the latest published one is the default.' },
);
export const ToolVersionDeprecated = defineEvent(
  'ToolVersionDeprecated',
  z.object({ tool_id: z.string().uuid(), version_id: z.string().uuid() }),
  { category: TOOLS_CATEGORY, description: 'A published tool version should no longer be used.' },
);
export const toolEvents = [ToolCreated, ToolVersionCreated, ToolVersionPublished, ToolVersionDeprecated] as const;
export type ToolEvent =
  | EventOf<typeof ToolCreated>
  | EventOf<typeof ToolVersionCreated>
  | EventOf<typeof ToolVersionPublished>
  | EventOf<typeof ToolVersionDeprecated>;

// Read models.
export const ToolView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  code: z.string(),
  name: z.string(),
  tool_type: ToolType,
  description: z.string().nullable(),
  latest_published_version_id: z.string().uuid().nullable(),
  version_count: z.number().int(),
  created_time: z.string(),
  updated_time: z.string(),
});
export const ToolVersionView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  tool_id: z.string().uuid(),
  version_no: z.number().int(),
  status: ToolVersionStatus,
  input_schema_json: JsonObject,
  output_schema_json: JsonObject,
  invoke_config_json: InvokeConfig,
  created_time: z.string(),
  published_time: z.string().nullable(),
  updated_time: z.string(),
});
export type ToolView = z.infer<typeof ToolView>;
export type ToolVersionView = z.infer<typeof ToolVersionView>;
export const ListToolsQuery = z.object({
  tool_type: ToolType.optional(),
  code: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

/** The names of tools, commands and events as every package derives them. */
export const TOOL_DEFINITION = versionedDefinition('tool', {
  article: 'a',
  retire: { verb: 'Deprecate', past: 'Deprecated', status: 'deprecated', summary: 'Deprecate a published tool version' },
});

export const toolsDomain = defineDomain({ name: 'tools', events: toolEvents, projections: ['tools'] });
