import {
  type AgentRunCommand,
  type RecordedModelCall,
  type RunError,
  type SelectedToolRef,
} from '@agent-platform/contracts';
import type { ActiveRun } from '@agent-platform/command-api/commands';
import {
  ProviderError,
  storableText,
  uuidFrom,
  type ChatMessage,
  type EventStore,
  type HttpToolRequest,
  type HttpToolResult,
  type Logger,
  type SecretBinding,
  type ModelProvider,
  type ToolDefinition as ModelTool,
} from '@agent-platform/infra';
import { actionOf, ASK_HUMAN, type ToolAction } from './actions.js';
import type { Definitions } from './definitions.js';
import type { AgentRunJournal } from './stream.js';
import { withSecrets } from './secrets.js';
import { inputProblem } from './toolInput.js';
import { knowledgeMessage, type RunKnowledge } from './knowledge.js';
import { memoryMessage, type RunMemories } from './memory.js';
import type { RunSkills } from './skills.js';
import { approvalGate, questionGate, RunWaits } from './waits.js';
import { observationOf } from './observations.js';
import { invokeSkills } from './skillCalls.js';

export type RunnerDeps = {
  store: EventStore;
  /** What `${secret:NAME}` in a tool's headers stands for, and where it may be sent. */
  secrets: ReadonlyMap<string, SecretBinding>;
  /** Takes every secret out of a tool's result: the one point through which its output and errors reach the journal and the model. */
  redact: <T>(value: T) => T;
  definitions: Definitions;
  models: ModelProvider;
  callTool: (request: HttpToolRequest, signal?: AbortSignal) => Promise<HttpToolResult>;
  log: Logger;
  /** Where the run reads memories; without it a run that would read them says memory is `unavailable`. */
  memories?: RunMemories | undefined;
  /** Where the run searches the version's knowledge bases; without it a version that names some fails its plan (`KNOWLEDGE_UNAVAILABLE`). */
  knowledge?: RunKnowledge | undefined;
  /** Runs the skills a run selected; without it they are recorded as skipped. */
  skills?: RunSkills | undefined;
};

type Ending = { answer: string } | { error: RunError };

/** OpenAI's function names allow `[a-zA-Z0-9_-]{1,64}`; tool codes may also hold dots. */
const functionNameOf = (code: string): string => code.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);


/** `ask_human` as a native function: one question, answered by a person. */
const ASK_HUMAN_FUNCTION: ModelTool = {
  type: 'function',
  function: {
    name: ASK_HUMAN,
    description: 'Ask a person a question you cannot answer yourself; their answer comes back as the result.',
    parameters: { type: 'object', properties: { question: { type: 'string' } }, required: ['question'] },
  },
};

const joinUrl = (base: string, path: string): string => (path ? `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}` : base);

/**
 * Drives one leased run from wherever its journal stands to its end. Every step is looked up in the journal
 * first: a model answer or a tool outcome recorded before a crash is replayed, never made again. A tool
 * call that was started and not ended is made again with the same idempotency key.
 */
export const runToEnd = async (deps: RunnerDeps, journal: AgentRunJournal, leaseId: string, signal: AbortSignal): Promise<void> => {
  const run = (): ActiveRun => {
    const state = journal.state();
    if (state.status === 'none') throw new Error(`agent run ${journal.runId} vanished`);
    return state;
  };
  const plan = run().prepared!;
  const runId = journal.runId;
  const log = deps.log.child({ agent_run_id: runId, workspace_id: run().workspaceId, correlation_id: run().correlationId });
  const httpTools = plan.selected_tool_refs.filter((t) => t.tool_type === 'http');
  const codeOfFunction = new Map(httpTools.map((t) => [functionNameOf(t.tool_code), t.tool_code]));

  // Cleared when the provider refuses the `tools` parameter: the run goes on with JSON actions alone.
  let nativeTools = true;
  const chat = (messages: ChatMessage[], tools: ModelTool[] | undefined) =>
    deps.models.chat(
      {
        model: plan.model,
        messages,
        ...(tools?.length && nativeTools ? { tools } : {}),
        ...(plan.temperature !== null ? { temperature: plan.temperature } : {}),
        ...(plan.max_tokens !== null ? { max_tokens: plan.max_tokens } : {}),
      },
      { signal },
    );

  const modelStep = async (step: number, messages: ChatMessage[], tools: ModelTool[] | undefined): Promise<RecordedModelCall> => {
    const recorded = run().modelCalls[step - 1];
    if (recorded) return recorded;
    const started = performance.now();
    const response = await chat(messages, tools).catch((error: unknown) => {
      // A model without tool calling (many local models) answers 400 to `tools`; the prompt already
      // describes the JSON actions, so the same request goes again without them.
      if (!(error instanceof ProviderError) || error.status !== 400 || !tools?.length || !nativeTools) throw error;
      log.info({ step, err: error }, 'the model refused native tool calling; using JSON actions');
      nativeTools = false;
      return chat(messages, tools);
    });
    const choice = response.choices[0]!;
    // The model's text is recorded: a NUL or a lone surrogate in it would be refused by the log at every attempt.
    const call: RecordedModelCall = {
      run_id: runId,
      step,
      model: storableText(response.model),
      content: choice.message.content === null ? null : storableText(choice.message.content),
      tool_calls: (choice.message.tool_calls ?? []).map((c) => ({
        id: storableText(c.id),
        name: storableText(c.function.name),
        arguments: storableText(c.function.arguments),
      })),
      finish_reason: choice.finish_reason,
      usage: { prompt_tokens: response.usage?.prompt_tokens ?? 0, completion_tokens: response.usage?.completion_tokens ?? 0 },
      duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
    };
    // Appended with the next step: the start of the tool call it asks for, or the run's end.
    journal.defer({ type: 'RecordModelCall', data: { ...call, lease_id: leaseId } });
    return call;
  };

  /**
   * Records how a tool call ended without waiting for the append: the next model call (no effects) runs
   * meanwhile. The next step with an effect, a tool call's start or the run's end, is appended after it,
   * and fails if it failed.
   */
  const settle = (command: AgentRunCommand) => void journal.record(command);
  const approval = approvalGate(deps, journal, leaseId);
  const question = questionGate(deps, journal, leaseId);

  /** A question the model asks a person (where its version allows it): the run waits for the answer, which is the observation. */
  const ask = async (step: number, index: number, action: ToolAction): Promise<string> => {
    const text = action.input.question;
    if (typeof text !== 'string' || !text.trim()) return observationOf({ error: { code: 'ASK_HUMAN_INVALID', message: 'ask_human needs a string "question"' } });
    return question({ invocationId: uuidFrom('agent-ask-human', runId, String(step), String(index)), step, question: text });
  };

  /** One tool call, at most once in effect; answers with what the model is told. */
  const invoke = async (step: number, index: number, action: ToolAction): Promise<string> => {
    // The platform's own function, where the version offers it: it wins over a tool of the same code.
    if (plan.ask_human_enabled && action.code === ASK_HUMAN) return ask(step, index, action);
    const invocation_id = uuidFrom('agent-tool-invocation', runId, String(step), String(index));
    const prior = run().invocations[invocation_id];
    if (prior?.status === 'completed' || prior?.status === 'failed') return observationOf(prior);
    if (prior?.status === 'skipped') return observationOf({ skipped: prior.reason ?? 'the tool was not called' });
    const tool: SelectedToolRef | undefined = plan.selected_tool_refs.find((t) => t.tool_code === action.code);
    const start = {
      run_id: runId,
      lease_id: leaseId,
      invocation_id,
      step,
      tool_id: tool?.tool_id ?? null,
      tool_version_id: tool?.tool_version_id ?? null,
      tool_code: action.code,
      input_json: action.input,
      idempotency_key: `${runId}:${step}:${index}`,
      tool_call_id: action.toolCallId,
    };
    const fail = (error: RunError, duration_ms: number | null = null) => {
      settle({ type: 'FailToolInvocation', data: { ...start, error, duration_ms } });
      return observationOf({ error });
    };
    if (action.inputError) return fail({ code: 'TOOL_INPUT_INVALID', message: action.inputError });
    if (!tool) {
      const known = httpTools.map((t) => t.tool_code).join(', ') || 'none';
      return fail({ code: 'TOOL_NOT_AVAILABLE', message: `this agent has no tool ${action.code} (its tools: ${known})` });
    }
    if (tool.tool_type !== 'http') {
      // An agent calls http tools only: a skill reaches it through its skill_refs, code through a code skill.
      const reason = `a ${tool.tool_type} tool is not called from an agent run: give the agent a skill_ref instead`;
      settle({ type: 'SkipToolInvocation', data: { ...start, reason } });
      return observationOf({ skipped: reason });
    }
    // What the platform itself sends (step 0, without ReAct) is not the model's to correct.
    const problem = step > 0 ? inputProblem(tool.tool_version_id, tool.input_schema_json, action.input) : undefined;
    if (problem) return fail({ code: 'TOOL_INPUT_INVALID', message: `${problem} (the input schema of ${tool.tool_code})` });
    const config = await deps.definitions.invokeConfig(tool.tool_id, tool.tool_version_id);
    if (!config?.base_url) return fail({ code: 'TOOL_NOT_CONFIGURED', message: `tool ${tool.tool_code} has no invoke_config_json.base_url` });
    const url = joinUrl(config.base_url, config.path);
    const sending = withSecrets(config.headers, deps.secrets, { workspaceId: run().workspaceId, url });
    if ('error' in sending) return fail({ code: sending.error.code, message: `tool ${tool.tool_code}: ${sending.error.message}` });
    // Asked of a person before anything is sent: the call is then made with what they approved, or not at all.
    const approved = tool.requires_approval
      ? await approval({ invocationId: invocation_id, step, subject: { kind: 'tool', code: tool.tool_code, ref_id: tool.tool_id, version_id: tool.tool_version_id }, input: action.input })
      : { input: action.input };
    if ('skipped' in approved) {
      settle({ type: 'SkipToolInvocation', data: { ...start, reason: approved.skipped } });
      return observationOf(approved);
    }
    await journal.record({ type: 'StartToolInvocation', data: { ...start, input_json: approved.input } });
    // Redacted before anything of it is recorded or shown to the model: a tool may echo what it was sent.
    const result = deps.redact(
      await deps.callTool(
        {
          method: config.method,
          url,
          headers: sending.headers,
          input: approved.input,
          idempotencyKey: start.idempotency_key,
          timeoutMs: config.timeout_ms,
        },
        signal,
      ),
    );
    if (!result.ok) return fail(result.error, result.durationMs);
    settle({
      type: 'CompleteToolInvocation',
      data: { run_id: runId, lease_id: leaseId, invocation_id, output_json: result.output, duration_ms: result.durationMs },
    });
    return observationOf({ output: result.output });
  };

  /**
   * The plan's prompt, with the memories the run read and the knowledge chunks it cites put in after its
   * system prompt. Their text is read now, by id, never from the plan: a memory forgotten or a document
   * deleted since is left out, and a resumed run reads them again.
   */
  const baseMessages = async (skillResults: string[]): Promise<ChatMessage[]> => {
    const messages: ChatMessage[] = plan.messages.map((m) => ({ role: m.role, content: m.content }));
    const context = await Promise.all([
      memoryMessage(deps.memories, run().workspaceId, plan.memory),
      knowledgeMessage(deps.knowledge, run().workspaceId, plan.citations),
    ]);
    const afterSystem = messages.findIndex((m) => m.role !== 'system');
    messages.splice(afterSystem === -1 ? messages.length : afterSystem, 0, ...context.flatMap((content) => (content ? [{ role: 'system' as const, content }] : [])));
    if (skillResults.length) messages.splice(messages.length - 1, 0, { role: 'system', content: `Results of the skills selected for this request:\n${skillResults.join('\n')}` });
    return messages;
  };

  /** What people gave back after model call `step`, as the next call's prompt gets it. */
  const handedBack = (step: number): ChatMessage[] =>
    run()
      .handBacks.filter((h) => h.after_step === step)
      .flatMap((h) => [
        { role: 'system' as const, content: `A person (${h.by ?? 'unknown'}) ${h.mode === 'takeover' ? 'took over the conversation' : 'paused the run'}; what they wrote follows, if anything. Go on from there.` },
        ...h.messages.map((m) => ({ role: m.role, content: m.content })),
      ]);

  /** Without ReAct (the seed's flow): the selected tools are called with the input, their results go into the prompt, one model call answers. */
  const single = async (skillResults: string[]): Promise<Ending> => {
    const observations: string[] = [];
    for (const [index, tool] of plan.selected_tool_refs.entries()) {
      const observation = await invoke(0, index, { code: tool.tool_code, input: { input_text: run().request.input_text }, toolCallId: null });
      observations.push(`- ${tool.tool_code}: ${observation}`);
    }
    const messages = await baseMessages(skillResults);
    if (observations.length) messages.splice(messages.length - 1, 0, { role: 'system', content: `Results of the tools selected for this request:\n${observations.join('\n')}` });
    messages.push(...handedBack(0));
    const call = await modelStep(1, messages, undefined);
    return { answer: call.content ?? '' };
  };

  const react = async (skillResults: string[]): Promise<Ending> => {
    const tools: ModelTool[] = httpTools.map((t) => ({
      type: 'function',
      function: { name: functionNameOf(t.tool_code), ...(t.description ? { description: t.description } : {}), parameters: t.input_schema_json },
    }));
    if (plan.ask_human_enabled) tools.push(ASK_HUMAN_FUNCTION);
    const messages = await baseMessages(skillResults);
    for (let step = 1; step <= plan.react_max_steps; step++) {
      messages.push(...handedBack(step - 1));
      const call = await modelStep(step, messages, tools);
      messages.push({
        role: 'assistant',
        content: call.content,
        ...(call.tool_calls.length
          ? { tool_calls: call.tool_calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) }
          : {}),
      });
      const action = actionOf(call, (name) => codeOfFunction.get(name) ?? name);
      if (action.kind === 'finish') return { answer: action.answer };
      if (action.kind === 'invalid') {
        messages.push({
          role: 'user',
          content: `Error: ${action.error}. Answer with one JSON object: {"action":"tool","tool_code":"…","input_json":{…}} or {"action":"finish","answer":"…"}.`,
        });
        continue;
      }
      for (const [index, toolCall] of action.calls.entries()) {
        const observation = await invoke(step, index, toolCall);
        messages.push(toolCall.toolCallId ? { role: 'tool', tool_call_id: toolCall.toolCallId, content: observation } : { role: 'user', content: `Observation: ${observation}` });
      }
    }
    return { error: { code: 'REACT_MAX_STEPS', message: `the run reached react_max_steps (${plan.react_max_steps}) without a finish action` } };
  };

  let ending: Ending;
  try {
    const skillResults = await invokeSkills({ deps, journal, leaseId, approval, settle });
    ending = plan.react_enabled ? await react(skillResults) : await single(skillResults);
  } catch (error) {
    // Recorded already: the run goes on once the task it waits on ends.
    if (error instanceof RunWaits) return void log.info({ task_id: error.wait.task_id, invocation_id: error.wait.invocation_id }, 'agent run waits for a person');
    if (!(error instanceof ProviderError)) throw error;
    // The provider already retried what was worth retrying.
    ending = { error: { code: 'MODEL_CALL_FAILED', message: `${error.code}: ${error.message}` } };
  }
  if ('error' in ending) {
    log.warn({ error: ending.error }, 'agent run failed');
    await journal.record({ type: 'FailAgentRun', data: { run_id: runId, lease_id: leaseId, error: ending.error } });
    return;
  }
  await journal.record({ type: 'CompleteAgentRun', data: { run_id: runId, lease_id: leaseId, answer: ending.answer } });
};
