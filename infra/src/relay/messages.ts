import { categoryOf, publishedTypeOf, subjectOf, toEnvelope, type RecordedEvent } from '@agent-platform/contracts';
import type { OutgoingMessage } from '../broker/port.js';

/**
 * A recorded event as the broker carries it: its envelope, on its subject, deduplicated by event id, ordered by stream.
 * An integration event travels under the type its publisher gave, not the namespaced type it is stored under.
 */
export const toMessage = (event: RecordedEvent): OutgoingMessage => {
  const category = categoryOf(event.type);
  return {
    id: event.event_id,
    subject: subjectOf(category, publishedTypeOf(event.type)),
    key: event.stream_id,
    body: JSON.stringify(toEnvelope(event, category)),
  };
};
