import { z } from 'zod';
import { defineCommand } from './commands.js';
import { defineDomain } from './domain.js';
import { defineEvent, type EventOf } from './events.js';

export const SESSIONS_CATEGORY = 'session';

export const SessionStatus = z.enum(['active', 'closed']);
export type SessionStatus = z.infer<typeof SessionStatus>;
export const MessageRole = z.enum(['user', 'assistant', 'system', 'tool']);
const JsonObject = z.record(z.string(), z.unknown());
/** Ids are compared as text in stream names, so every uuid is lower-cased on the way in. */
export const Uuid = z.string().uuid().toLowerCase();
export const SessionParams = z.object({ id: Uuid });

// Commands, as the HTTP body carries them (seed-compatible field names).
export const OpenSessionBody = z.object({
  app_id: z.string().min(1).max(200),
  user_id: z.string().min(1).max(200),
  channel_type: z.string().min(1).max(100),
  title: z.string().max(500).optional(),
  metadata_json: JsonObject.optional(),
});
export type OpenSessionBody = z.infer<typeof OpenSessionBody>;

export const AppendSessionMessageBody = z.object({
  role: MessageRole,
  content_text: z.string().max(1_000_000),
  metadata_json: JsonObject.optional(),
});
export type AppendSessionMessageBody = z.infer<typeof AppendSessionMessageBody>;

export const OpenSession = OpenSessionBody.extend({ session_id: z.string().uuid(), workspace_id: z.string() });
export const AppendSessionMessage = AppendSessionMessageBody.extend({
  session_id: z.string().uuid(),
  message_id: z.string().uuid(),
  workspace_id: z.string(),
});
export const CloseSession = z.object({ session_id: z.string().uuid(), workspace_id: z.string() });
export type OpenSession = z.infer<typeof OpenSession>;
export type AppendSessionMessage = z.infer<typeof AppendSessionMessage>;
export type CloseSession = z.infer<typeof CloseSession>;
export const SessionCommand = z.discriminatedUnion('type', [
  defineCommand('OpenSession', OpenSession),
  defineCommand('AppendSessionMessage', AppendSessionMessage),
  defineCommand('CloseSession', CloseSession),
]);
export type SessionCommand = z.infer<typeof SessionCommand>;

// Events.
export const SessionOpened = defineEvent(
  'SessionOpened',
  z.object({
    session_id: z.string().uuid(),
    app_id: z.string(),
    user_id: z.string(),
    channel_type: z.string(),
    title: z.string().nullable(),
    metadata_json: JsonObject,
  }),
  { category: SESSIONS_CATEGORY, description: 'A conversation session was opened for a user of an app on a channel.' },
);
export const SessionMessageAppended = defineEvent(
  'SessionMessageAppended',
  z.object({
    session_id: z.string().uuid(),
    message_id: z.string().uuid(),
    seq_no: z.number().int().positive(),
    role: MessageRole,
    content_text: z.string(),
    metadata_json: JsonObject,
  }),
  { category: SESSIONS_CATEGORY, description: 'A message was added to an open session; seq_no counts from 1 within the session.' },
);
export const SessionClosed = defineEvent('SessionClosed', z.object({ session_id: z.string().uuid() }), {
  category: SESSIONS_CATEGORY,
  description: 'The session was closed; no more messages can be appended.',
});
export const sessionEvents = [SessionOpened, SessionMessageAppended, SessionClosed] as const;
export type SessionEvent =
  | EventOf<typeof SessionOpened>
  | EventOf<typeof SessionMessageAppended>
  | EventOf<typeof SessionClosed>;

// Read models, as the query side returns them.
export const SessionView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  app_id: z.string(),
  user_id: z.string(),
  channel_type: z.string(),
  title: z.string().nullable(),
  status: SessionStatus,
  metadata_json: JsonObject,
  message_count: z.number().int(),
  last_message_time: z.string().nullable(),
  created_time: z.string(),
  updated_time: z.string(),
  closed_time: z.string().nullable(),
});
export type SessionView = z.infer<typeof SessionView>;

export const SessionMessageView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  session_id: z.string().uuid(),
  seq_no: z.number().int(),
  role: MessageRole,
  content_text: z.string(),
  metadata_json: JsonObject,
  created_time: z.string(),
});
export type SessionMessageView = z.infer<typeof SessionMessageView>;

export const ListSessionsQuery = z.object({
  user_id: z.string().optional(),
  app_id: z.string().optional(),
  status: SessionStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
export type ListSessionsQuery = z.infer<typeof ListSessionsQuery>;

export const sessionsDomain = defineDomain({ name: 'sessions', events: sessionEvents, projections: ['sessions'] });
