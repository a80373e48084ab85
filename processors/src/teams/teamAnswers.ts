import { ConflictError, SESSIONS_CATEGORY, streamId, TeamRunCompleted } from '@agent-platform/contracts';
import { sendCommand, sessionDecider } from '@agent-platform/command-api/commands';
import { uuidFrom, type EventStore } from '@agent-platform/infra';
import type { Processor } from '../runtime/processor.js';

/**
 * Adds each completed team run's answer to its session as an assistant message, as agent runs' answers
 * are (its member runs' answers are not: they are the team's to use). A reaction, with an idempotency key
 * from the event, so the message is added once however often the event is delivered. Dry runs answer nobody.
 */
export const teamAnswers = (store: EventStore): Processor => ({
  group: 'team-run-answers',
  types: [TeamRunCompleted.type],
  idempotent: true,
  handle: async (event, ctx) => {
    const { team_run_id, answer, session_id, dry_run } = TeamRunCompleted.schema.parse(event.data);
    if (dry_run) return;
    try {
      await sendCommand(
        store,
        sessionDecider,
        streamId(SESSIONS_CATEGORY, session_id),
        {
          type: 'AppendSessionMessage',
          data: {
            session_id,
            message_id: uuidFrom('team-run-answer', team_run_id),
            role: 'assistant',
            content_text: answer,
            metadata_json: { team_run_id },
            workspace_id: event.workspaceid,
          },
        },
        ctx.commandContext('answer'),
        { retryOnConflict: 20, findPriorFirst: false },
      );
    } catch (error) {
      // A session closed while the team worked keeps the answer on the team run only.
      if (!(error instanceof ConflictError) || error.code !== 'SESSION_CLOSED') throw error;
    }
  },
});
