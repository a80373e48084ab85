import {
  AGENT_RUNS_CATEGORY,
  AGENTS_CATEGORY,
  AgentImplementation,
  ConflictError,
  NotFoundError,
  SESSIONS_CATEGORY,
  streamId,
  type SkillRunCommand,
} from '@agent-platform/contracts';
import {
  agentDecider,
  agentRunDecider,
  evolveAll,
  runnableVersion,
  sendCommand,
  sessionDecider,
  type ActiveSkillRun,
  type AgentOutcome,
  type SkillRunState,
} from '@agent-platform/command-api/commands';
import { uuidFrom, type EventStore } from '@agent-platform/infra';
import type { Journal } from '../kernel/journal.js';
import { renderingError, type RuntimeOutcome } from './runtimes.js';
import { renderTemplate } from './template.js';

/*
 * The agent runtime: a skill run delegates to an agent run and waits for it to end. The agent run and its
 * session have ids derived from the skill run, so queueing them again (a run resumed before it recorded
 * that it waits) meets the same streams and queues nothing twice. The agent run's queued event names the
 * skill run as its cause, which is how its end finds the skill run again (`agentEndings`).
 */

/** An agent run's `input_text` is at most this long, as `POST /agents/runs` takes it. */
const MAX_INPUT_TEXT = 200_000;

export const agentRunIdOf = (skillRunId: string): string => uuidFrom('skill-agent-run', skillRunId);
const sessionIdOf = (skillRunId: string): string => uuidFrom('skill-run-session', skillRunId);

/** What the agent run's end makes of the skill run: its answer is the output. */
export const outcomeOfAgent = (agent: AgentOutcome): RuntimeOutcome => {
  if (agent.status === 'completed') return { output: { answer: agent.answer ?? '' }, text: agent.answer ?? '' };
  if (agent.status === 'cancelled') return { error: { code: 'SKILL_AGENT_RUN_CANCELLED', message: `agent run ${agent.agent_run_id} was cancelled` } };
  const cause = agent.error ? `${agent.error.code}: ${agent.error.message}` : 'no error recorded';
  return { error: { code: 'SKILL_AGENT_RUN_FAILED', message: `agent run ${agent.agent_run_id} failed (${cause})` } };
};

/** Sends a command that creates its stream; one that exists already (`code`) was sent before, by an earlier attempt of this run. */
const once = async (send: () => Promise<unknown>, code: string): Promise<void> => {
  try {
    await send();
  } catch (error) {
    if (!(error instanceof ConflictError && error.code === code)) throw error;
  }
};

/**
 * Queues the run's agent run (once) in a session of its own, then records that the skill run waits for it.
 * Answers the outcome when the agent run ended already, else `waiting`.
 */
export const delegateToAgent = async (
  store: EventStore,
  journal: Journal<SkillRunState, SkillRunCommand>,
  leaseId: string,
  implementation: Record<string, unknown>,
  input: Record<string, unknown>,
): Promise<RuntimeOutcome | 'waiting'> => {
  const run = journal.state() as ActiveSkillRun;
  if (run.agentOutcome) return outcomeOfAgent(run.agentOutcome);
  const skillRunId = journal.runId;
  const impl = AgentImplementation.parse(implementation);
  const rendered = impl.input_template ? renderTemplate(impl.input_template, input, MAX_INPUT_TEXT) : { text: JSON.stringify(input) };
  if (!('text' in rendered)) return { error: renderingError(rendered, 'the input template') };
  if (rendered.text.length > MAX_INPUT_TEXT) return { error: { code: 'SKILL_AGENT_INPUT_TOO_LONG', message: `the agent run's input_text would be longer than ${MAX_INPUT_TEXT} characters` } };
  const workspace_id = run.workspaceId;
  let agentVersionId: string;
  try {
    const agent = evolveAll(agentDecider, agentDecider.initialState(), await store.readStream(streamId(AGENTS_CATEGORY, impl.agent_id)));
    agentVersionId = runnableVersion(agent, impl.agent_id, workspace_id, impl.agent_version_id);
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof ConflictError) return { error: { code: error.code, message: error.message } };
    throw error;
  }
  const context = { workspaceId: workspace_id, causationId: skillRunId, ...(run.correlationId ? { correlationId: run.correlationId } : {}) };
  const session_id = sessionIdOf(skillRunId);
  const agent_run_id = agentRunIdOf(skillRunId);
  await once(
    () =>
      sendCommand(
        store,
        sessionDecider,
        streamId(SESSIONS_CATEGORY, session_id),
        { type: 'OpenSession', data: { session_id, workspace_id, app_id: 'skills', user_id: `skill-run:${skillRunId}`, channel_type: 'skill', title: `skill run ${skillRunId}` } },
        context,
      ),
    'SESSION_EXISTS',
  );
  await once(
    () =>
      sendCommand(
        store,
        agentRunDecider,
        streamId(AGENT_RUNS_CATEGORY, agent_run_id),
        {
          type: 'QueueAgentRun',
          data: { run_id: agent_run_id, agent_id: impl.agent_id, agent_version_id: agentVersionId, session_id, input_text: rendered.text, auto_execute: true, dry_run: false, workspace_id },
        },
        context,
      ),
    'AGENT_RUN_EXISTS',
  );
  await journal.record({ type: 'DelegateSkillRun', data: { run_id: skillRunId, lease_id: leaseId, agent_run_id } });
  const after = journal.state() as ActiveSkillRun;
  return after.agentOutcome ? outcomeOfAgent(after.agentOutcome) : 'waiting';
};
