import { DEAD_LETTERS_CATEGORY, streamId, type EventEnvelope } from '@agent-platform/contracts';
import { deadLetterDecider, sendCommand } from '@agent-platform/command-api/commands';
import { uuidFrom, type EventStore } from '@agent-platform/infra';

/**
 * One dead letter per (group, event): an event that fails again after a retry returns to it. The namespace
 * `dead-letter` is part of every recorded dead letter's id, so it stays as spelled.
 */
export const deadLetterIdOf = (group: string, eventId: string): string => uuidFrom('dead-letter', group, eventId);

const errorOf = (error: unknown) =>
  error instanceof Error ? { name: error.name, message: error.message.slice(0, 4000) } : { name: 'Error', message: String(error) };

export const recordDeadLetter = async (store: EventStore, group: string, event: EventEnvelope, attempts: number, error: unknown) => {
  const id = deadLetterIdOf(group, event.id);
  await sendCommand(
    store,
    deadLetterDecider,
    streamId(DEAD_LETTERS_CATEGORY, id),
    {
      type: 'RecordDeadLetter',
      data: {
        dead_letter_id: id,
        workspace_id: event.workspaceid,
        consumer_group: group,
        event_id: event.id,
        event_type: event.type,
        event_stream_id: event.subject,
        event_stream_version: event.streamversion,
        event_global_position: event.globalposition,
        attempts,
        error: errorOf(error),
      },
    },
    { workspaceId: event.workspaceid, causationId: event.id, ...(event.correlationid ? { correlationId: event.correlationid } : {}) },
    { retryOnConflict: 5 },
  );
  return id;
};
