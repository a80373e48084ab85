import { randomUUID } from 'node:crypto';
import { SESSIONS_CATEGORY, streamId, type EventMetadata } from '@agent-platform/contracts';

/** Sessions hold a few dozen messages, so a worker moves to a fresh stream after this many events. */
export const EVENTS_PER_STREAM = 50;

/** Makes a SessionMessageAppended event's data about 300 bytes of JSON, like a short chat message. */
const CONTENT_TEXT =
  'Could you summarise the open support tickets for the billing team and draft a reply to the oldest one?';

export type SessionMessageEvent = {
  type: 'SessionMessageAppended';
  data: {
    session_id: string;
    message_id: string;
    seq_no: number;
    role: 'user';
    content_text: string;
    metadata_json: Record<string, unknown>;
  };
  metadata: EventMetadata;
};

/** A stream owned by one worker, so appends never conflict and the worker always knows its version. */
export type Stream = { id: string; sessionId: string; version: number };

export const freshStream = (): Stream => {
  const sessionId = randomUUID();
  return { id: streamId(SESSIONS_CATEGORY, sessionId), sessionId, version: 0 };
};

export const withRoom = (stream: Stream): Stream => (stream.version >= EVENTS_PER_STREAM ? freshStream() : stream);

/** `count` messages following the stream's current version, all caused by one command. */
export const sessionMessages = (stream: Stream, count: number, commandId: string): SessionMessageEvent[] => {
  const requestId = randomUUID();
  const metadata: EventMetadata = {
    workspace_id: 'workspace-bench',
    correlation_id: requestId,
    request_id: requestId,
    command_id: commandId,
  };
  return Array.from({ length: count }, (_, i) => ({
    type: 'SessionMessageAppended',
    data: {
      session_id: stream.sessionId,
      message_id: randomUUID(),
      seq_no: stream.version + i + 1,
      role: 'user',
      content_text: CONTENT_TEXT,
      metadata_json: { channel: 'web', locale: 'en-GB' },
    },
    metadata,
  }));
};
