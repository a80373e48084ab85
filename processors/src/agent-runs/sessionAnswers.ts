import { AGENT_RUNS_CATEGORY, AgentRunCompleted, AgentRunQueued, ConflictError, SESSIONS_CATEGORY, streamId, type AgentRunEvent } from '@agent-platform/contracts';
import { sendCommand, sessionDecider } from '@agent-platform/command-api/commands';
import { uuidFrom, type EventStore } from '@agent-platform/infra';
import type { Processor } from '../runtime/processor.js';

/**
 * The run's session, agent, version and dry_run: in the event from its version 2 on; for an event
 * recorded at version 1, from the run's queued event (its first; the rest of the run is not read).
 */
const whoseAnswer = async (store: EventStore, completed: Extract<AgentRunEvent, { type: 'AgentRunCompleted' }>['data']) => {
  const { session_id, agent_id, agent_version_id, dry_run, team_run_id } = completed;
  if (session_id && agent_id && agent_version_id && dry_run !== undefined) return { session_id, agent_id, agent_version_id, dry_run, team_run_id: team_run_id ?? null };
  const [first] = await store.readStream(streamId(AGENT_RUNS_CATEGORY, completed.run_id), { toVersion: 1 });
  return first?.type === AgentRunQueued.type ? AgentRunQueued.schema.parse(first.data) : undefined;
};

/**
 * Adds each completed run's answer to its session as an assistant message. A reaction, not a step of the
 * run: the run ends with one append, and the message follows from the event, with an idempotency key
 * from it, so it is added once however often the event is delivered. Dry runs and the member runs of a team answer nobody: the team run answers.
 */
export const sessionAnswers = (store: EventStore): Processor => ({
  group: 'agent-run-answers',
  types: [AgentRunCompleted.type],
  // The message's command carries an idempotency key from the event.
  idempotent: true,
  handle: async (event, ctx) => {
    const completed = AgentRunCompleted.schema.parse(event.data);
    const { run_id, answer } = completed;
    const run = await whoseAnswer(store, completed);
    // A team's member answers its team run, whose own answer joins the session (teams/teamAnswers.ts).
    if (!run || run.dry_run || run.team_run_id) return;
    const { session_id, agent_id, agent_version_id } = run;
    try {
      await sendCommand(
        store,
        sessionDecider,
        streamId(SESSIONS_CATEGORY, session_id),
        {
          type: 'AppendSessionMessage',
          data: {
            session_id,
            message_id: uuidFrom('agent-run-answer', run_id),
            role: 'assistant',
            content_text: answer,
            metadata_json: { agent_run_id: run_id, agent_id, agent_version_id },
            workspace_id: event.workspaceid,
          },
        },
        ctx.commandContext('answer'),
        // A redelivered answer is found by its key when appended; a closed session is handled below.
        { retryOnConflict: 20, findPriorFirst: false },
      );
    } catch (error) {
      // A session closed while the run worked keeps the answer on the run only.
      if (!(error instanceof ConflictError) || error.code !== 'SESSION_CLOSED') throw error;
    }
  },
});
