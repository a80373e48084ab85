import type { AgentVersionDefinition, PreparedRun, RunError, RunMessage, SelectedSkillRef, SelectedToolRef } from '@agent-platform/contracts';
import type { RunToPlan } from '@agent-platform/command-api/commands';
import { toolIdOf, toolVersionFor, type Definitions } from './definitions.js';
import { KNOWLEDGE_UNAVAILABLE, type RunKnowledge } from './knowledge.js';
import { planMemory, type RunMemories } from './memory.js';
import { skillSelection, toolSelection } from './selection.js';
import { ASK_HUMAN } from './actions.js';

const HISTORY_MESSAGES = 20;

/** A run that cannot be planned fails with this, instead of retrying: its definition is wrong, not the world. */
export class PlanError extends Error {
  constructor(readonly error: RunError) {
    super(error.message);
  }
}

/** Tells a model without native tool calling how to act, which tools it has, and whether it may ask a person. */
const reactInstructions = (tools: SelectedToolRef[], askHuman: boolean): string =>
  [
    'You can use tools. To call one, answer with only a JSON object: {"action":"tool","tool_code":"<code>","input_json":{...}}.',
    'You then get its result as an observation. When you know the answer, reply with only {"action":"finish","answer":"<your answer>"}.',
    ...(askHuman ? [`To ask a person a question you cannot answer yourself, reply with only {"action":"${ASK_HUMAN}","question":"<your question>"}; their answer is your observation.`] : []),
    ...(tools.length ? ['Tools:', ...tools.map((t) => `- ${t.tool_code}: ${t.description ?? t.tool_code} ${JSON.stringify(t.input_schema_json)}`)] : []),
  ].join('\n');

const systemPrompt = (version: Pick<AgentVersionDefinition, 'system_prompt' | 'role' | 'goal'>, react: string | undefined): string =>
  [version.system_prompt, version.role && `Role: ${version.role}`, version.goal && `Goal: ${version.goal}`, react].filter(Boolean).join('\n\n');

/**
 * Plans a run once: the prompt (system prompt, the session's recent messages, the input), the tools and
 * skills it selected, what it did about memory (the memories it read, by id: their text joins the
 * prompt only when it is sent, see `memoryMessage`) and the knowledge chunks it cites (by id, likewise:
 * `knowledgeMessage`). The plan is recorded, so a resumed run never re-plans.
 */
export const prepareRun = async (
  { definitions, memories, knowledge }: { definitions: Definitions; memories?: RunMemories | undefined; knowledge?: RunKnowledge | undefined },
  run: RunToPlan,
  defaultModel: string,
): Promise<PreparedRun> => {
  const { agent_id, agent_version_id, session_id, input_text, run_id } = run.request;
  const version = await definitions.agentVersion(agent_id, agent_version_id);
  if (!version) throw new PlanError({ code: 'AGENT_VERSION_NOT_FOUND', message: `agent version ${agent_version_id} does not exist` });
  const react = version.model_config.react_enabled;
  // Only a ReAct loop has turns at which to ask.
  const askHuman = react && version.model_config.ask_human_enabled;
  // An answer made without the knowledge the version names would look like one made with it: the run fails instead.
  if (version.knowledge_refs.length && !knowledge) {
    throw new PlanError({ code: KNOWLEDGE_UNAVAILABLE, message: 'this agent version searches knowledge bases, and knowledge search is not available in this process' });
  }

  const selected = version.tool_refs.flatMap((ref) => {
    const selected_by = toolSelection(ref, input_text, react);
    return selected_by ? [{ ref, selected_by }] : [];
  });
  // The tools' streams and the session's are read at once: planning is on every run's critical path.
  const [definitionsOfTools, history, memory, citations] = await Promise.all([
    Promise.all(selected.map(({ ref }) => definitions.tool(toolIdOf(run.workspaceId, ref)))),
    definitions.sessionHistory(session_id, HISTORY_MESSAGES),
    planMemory(definitions, memories, version.memory_policy, { workspaceId: run.workspaceId, agentId: agent_id, sessionId: session_id, input: input_text, teamRunId: run.request.team_run_id ?? null }),
    version.knowledge_refs.length ? knowledge!.cite(run.workspaceId, version.knowledge_refs, input_text) : [],
  ]);
  const tools = selected.map(({ ref, selected_by }, index): SelectedToolRef => {
    const name = ref.tool_code ?? ref.tool_id!;
    const tool = definitionsOfTools[index];
    if (!tool || tool.workspaceId !== run.workspaceId) throw new PlanError({ code: 'TOOL_NOT_FOUND', message: `tool ${name} does not exist in this workspace` });
    const versionId = toolVersionFor(tool, ref.tool_version_id);
    if (!versionId) throw new PlanError({ code: 'TOOL_NOT_PUBLISHED', message: `tool ${name} has no published version (or not the pinned one)` });
    return {
      tool_id: tool.toolId,
      tool_version_id: versionId,
      tool_code: tool.code,
      tool_type: tool.toolType,
      description: tool.description,
      input_schema_json: tool.versions.get(versionId)!.inputSchema,
      selected_by,
      requires_approval: ref.requires_approval,
    };
  });
  const skills: SelectedSkillRef[] = version.skill_refs.flatMap((ref) => {
    const selected_by = skillSelection(ref, input_text);
    return selected_by
      ? [{ skill_id: ref.skill_id ?? null, skill_code: ref.skill_code ?? null, skill_version_id: ref.skill_version_id ?? null, selected_by, requires_approval: ref.requires_approval }]
      : [];
  });

  // The input is often the session's newest message already; it is sent once.
  const last = history.at(-1);
  if (last?.role === 'user' && last.content === input_text) history.pop();
  const system = systemPrompt(version, react && (tools.length || askHuman) ? reactInstructions(tools, askHuman) : undefined);
  const messages: RunMessage[] = [
    ...(system ? [{ role: 'system' as const, content: system }] : []),
    ...history.flatMap((m): RunMessage[] => (m.role === 'user' || m.role === 'assistant' || m.role === 'system' ? [{ role: m.role, content: m.content }] : [])),
    { role: 'user', content: input_text },
  ];

  return {
    run_id,
    dry_run: run.dryRun,
    model: version.model_config.model ?? defaultModel,
    temperature: version.model_config.temperature ?? null,
    max_tokens: version.model_config.max_tokens ?? null,
    react_enabled: react,
    // Without ReAct a run makes one model call.
    react_max_steps: react ? version.model_config.react_max_steps : 1,
    ask_human_enabled: askHuman,
    messages,
    selected_tool_refs: tools,
    selected_skill_refs: skills,
    memory,
    citations,
  };
};
