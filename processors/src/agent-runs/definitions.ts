import {
  AGENTS_CATEGORY,
  AgentVersionCreated,
  SESSIONS_CATEGORY,
  SessionMessageAppended,
  SessionOpened,
  streamId,
  TEAM_RUNS_CATEGORY,
  TeamRunQueued,
  TOOLS_CATEGORY,
  ToolCreated,
  ToolVersionCreated,
  type AgentVersionDefinition,
  type InvokeConfig,
  type ToolType,
  type ToolVersionStatus,
} from '@agent-platform/contracts';
import { uuidFrom, type EventStore } from '@agent-platform/infra';
import { remember } from './versionCache.js';

/*
 * A run reads the definitions it needs from their streams, not from read models: a run queued right after
 * a version was published must see that version, whatever the projectors' lag.
 */

export type ToolDefinition = {
  toolId: string;
  workspaceId: string;
  code: string;
  toolType: ToolType;
  description: string | null;
  /** Version id → its schemas and invoke config, with its status. */
  versions: Map<string, { status: ToolVersionStatus; inputSchema: Record<string, unknown>; invokeConfig: InvokeConfig }>;
};

const agentVersion = async (store: EventStore, agentId: string, versionId: string): Promise<AgentVersionDefinition | undefined> => {
  const events = await store.readStream(streamId(AGENTS_CATEGORY, agentId));
  const created = events.find((e) => e.type === AgentVersionCreated.type && (e.data as { version_id: string }).version_id === versionId);
  return created ? AgentVersionCreated.schema.parse(created.data) : undefined;
};

export const toolIdOf = (workspaceId: string, ref: Pick<AgentVersionDefinition['tool_refs'][number], 'tool_id' | 'tool_code'>): string =>
  ref.tool_id ?? uuidFrom('tool', workspaceId, ref.tool_code!);

const toolDefinition = async (store: EventStore, toolId: string): Promise<ToolDefinition | undefined> => {
  const events = await store.readStream(streamId(TOOLS_CATEGORY, toolId));
  const first = events[0];
  if (!first || first.type !== ToolCreated.type) return undefined;
  const created = ToolCreated.schema.parse(first.data);
  const tool: ToolDefinition = {
    toolId,
    workspaceId: first.metadata.workspace_id,
    code: created.code,
    toolType: created.tool_type,
    description: created.description,
    versions: new Map(),
  };
  for (const e of events) {
    const versionId = (e.data as { version_id?: string }).version_id;
    if (e.type === ToolVersionCreated.type) {
      const v = ToolVersionCreated.schema.parse(e.data);
      tool.versions.set(v.version_id, { status: 'draft', inputSchema: v.input_schema_json, invokeConfig: v.invoke_config_json });
    } else if (versionId && tool.versions.has(versionId)) {
      tool.versions.get(versionId)!.status = e.type === 'ToolVersionPublished' ? 'published' : 'deprecated';
    }
  }
  return tool;
};

/** The version a ref pins, else the newest published one. */
export const toolVersionFor = (tool: ToolDefinition, pinned: string | undefined): string | undefined => {
  if (pinned) return tool.versions.has(pinned) ? pinned : undefined;
  return [...tool.versions].filter(([, v]) => v.status === 'published').at(-1)?.[0];
};

/** The newest messages of a session, oldest first. */
const sessionHistory = async (store: EventStore, sessionId: string, limit: number): Promise<{ role: string; content: string }[]> => {
  const events = await store.readStream(streamId(SESSIONS_CATEGORY, sessionId));
  return events
    .filter((e) => e.type === SessionMessageAppended.type)
    .slice(-limit)
    .map((e) => {
      const m = SessionMessageAppended.schema.parse(e.data);
      return { role: m.role, content: m.content_text };
    });
};

/** Whose session it is: its `user_id`, from its first event. */
const sessionUser = async (store: EventStore, sessionId: string): Promise<string | undefined> => {
  const [opened] = await store.readStream(streamId(SESSIONS_CATEGORY, sessionId), { toVersion: 1 });
  return opened?.type === SessionOpened.type ? SessionOpened.schema.parse(opened.data).user_id : undefined;
};

/** Which team a team run is of: its `team_id`, from its first event. */
const teamOfRun = async (store: EventStore, teamRunId: string): Promise<string | undefined> => {
  const [queued] = await store.readStream(streamId(TEAM_RUNS_CATEGORY, teamRunId), { toVersion: 1 });
  return queued?.type === TeamRunQueued.type ? TeamRunQueued.schema.parse(queued.data).team_id : undefined;
};

export type Definitions = {
  agentVersion: (agentId: string, versionId: string) => Promise<AgentVersionDefinition | undefined>;
  /** The tool with all its versions, read afresh: which version is the newest published one changes. */
  tool: (toolId: string) => Promise<ToolDefinition | undefined>;
  invokeConfig: (toolId: string, versionId: string) => Promise<InvokeConfig | undefined>;
  sessionHistory: (sessionId: string, limit: number) => Promise<{ role: string; content: string }[]>;
  sessionUser: (sessionId: string) => Promise<string | undefined>;
  teamOfRun: (teamRunId: string) => Promise<string | undefined>;
};

export const createDefinitions = (store: EventStore): Definitions => {
  const agentVersions = new Map<string, AgentVersionDefinition>();
  const invokeConfigs = new Map<string, InvokeConfig>();
  return {
    agentVersion: async (agentId, versionId) => {
      const known = agentVersions.get(versionId);
      if (known) return known;
      const version = await agentVersion(store, agentId, versionId);
      return version && remember(agentVersions, versionId, version);
    },
    tool: (toolId) => toolDefinition(store, toolId),
    invokeConfig: async (toolId, versionId) => {
      const known = invokeConfigs.get(versionId);
      if (known) return known;
      const config = (await toolDefinition(store, toolId))?.versions.get(versionId)?.invokeConfig;
      return config && remember(invokeConfigs, versionId, config);
    },
    sessionHistory: (sessionId, limit) => sessionHistory(store, sessionId, limit),
    sessionUser: (sessionId) => sessionUser(store, sessionId),
    teamOfRun: (teamRunId) => teamOfRun(store, teamRunId),
  };
};
