import { AGENT_RUNS_CATEGORY, AgentRunCompleted, AgentRunQueued, ConflictError, SESSIONS_CATEGORY, streamId } from '@agent-platform/contracts';
import { handleCommand, sessionDecider } from '@agent-platform/command-api';
import { uuidFrom, type EventStore } from '@agent-platform/infra';
import type { Processor } from '../runtime/processor.js';

/**
 * Adds each completed run's answer to its session as an assistant message. A reaction, not a step of the
 * run: the run ends with one append, and the message follows from the event, with an idempotency key
 * from it, so it is added once however often the event is delivered. Dry runs answer nobody.
 */
export const sessionAnswers = (store: EventStore): Processor => ({
  group: 'agent-run-answers',
  types: [AgentRunCompleted.type],
  // The message's command carries an idempotency key from the event.
  idempotent: true,
  handle: async (event, ctx) => {
    const { run_id, answer } = AgentRunCompleted.schema.parse(event.data);
    // The queued event, the run's first, says whose session it is: the rest of the run is not read.
    const [first] = await store.readStream(streamId(AGENT_RUNS_CATEGORY, run_id), { toVersion: 1 });
    if (first?.type !== AgentRunQueued.type) return;
    const queued = AgentRunQueued.schema.parse(first.data);
    if (queued.dry_run) return;
    const { session_id, agent_id, agent_version_id } = queued;
    try {
      await handleCommand(
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
            workspace_id: first.metadata.workspace_id,
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
