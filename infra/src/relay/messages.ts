import { categoryOf, subjectOf, toEnvelope, type RecordedEvent } from '@agent-platform/contracts';
import type { OutgoingMessage } from '../broker/port.js';

/** A recorded event as the broker carries it: its envelope, on its subject, deduplicated by event id, ordered by stream. */
export const toMessage = (event: RecordedEvent): OutgoingMessage => {
  const category = categoryOf(event.type);
  return {
    id: event.event_id,
    subject: subjectOf(category, event.type),
    key: event.stream_id,
    body: JSON.stringify(toEnvelope(event, category)),
  };
};
