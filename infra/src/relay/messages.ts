import { categoryOf, datarefOf, publishedTypeOf, subjectOf, toEnvelope, type RecordedEvent } from '@agent-platform/contracts';
import type { OutgoingMessage } from '../broker/port.js';

/**
 * A recorded event as the broker carries it: its envelope, on its subject, deduplicated by event id, ordered by stream.
 * An integration event travels under the type its publisher gave, not the namespaced type it is stored under.
 */
export const toMessage = (event: RecordedEvent, maxBytes: number = Number.MAX_SAFE_INTEGER): OutgoingMessage => {
  const category = categoryOf(event.type);
  const envelope = toEnvelope(event, category);
  let body = JSON.stringify(envelope);
  // Larger than the broker carries (a document, a long message): refused at every attempt, it would stop the
  // relay for every tenant. Its envelope goes without `data`, pointing at the log (a claim check).
  if (Buffer.byteLength(body) > maxBytes) body = JSON.stringify({ ...envelope, data: null, dataref: datarefOf(event) });
  return { id: event.event_id, subject: subjectOf(category, publishedTypeOf(event.type)), key: event.stream_id, body };
};
