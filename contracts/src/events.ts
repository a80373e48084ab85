import { z } from 'zod';

/** Who caused an event and in which workspace; present on every event. */
export const EventMetadata = z.object({
  workspace_id: z.string().min(1),
  command_id: z.string().optional(),
  correlation_id: z.string().optional(),
  causation_id: z.string().optional(),
  request_id: z.string().optional(),
  user_id: z.string().optional(),
});
export type EventMetadata = z.infer<typeof EventMetadata>;

/** An event as a decider emits it: a type and its data at the current schema version. */
export type DomainEvent<Type extends string = string, Data = unknown> = { type: Type; data: Data };

/** An event ready to append. */
export type NewEvent = DomainEvent & {
  event_id?: string;
  schema_version?: number;
  metadata: EventMetadata;
};

/** An event as stored in the log. `global_position` is unique; the log's order is (transaction_id, global_position). */
export const RecordedEvent = z.object({
  global_position: z.number().int().positive(),
  transaction_id: z.string(),
  stream_id: z.string(),
  stream_version: z.number().int().positive(),
  event_id: z.string().uuid(),
  type: z.string(),
  schema_version: z.number().int().positive(),
  data: z.unknown(),
  metadata: EventMetadata,
  recorded_at: z.string(),
  /**
   * Set only on an old event its upcasters could not lift: `data` and `schema_version` are then as stored,
   * not the current shape, and a consumer must not take them for it (the store's `requireUpcast`).
   */
  upcast_error: z.string().optional(),
});
export type RecordedEvent = z.infer<typeof RecordedEvent>;

/**
 * A versioned event contract. `upcasters[n]` turns data of version n into version n + 1,
 * so readers always see the current shape and a replay from the beginning always works.
 */
export type EventContract<Type extends string = string, Schema extends z.ZodType = z.ZodType> = {
  type: Type;
  /** The stream category its events belong to; it names the broker subject (`agentplatform.events.<category>.<type>`). */
  category: string;
  version: number;
  schema: Schema;
  description: string;
  upcasters: Record<number, (data: unknown) => unknown>;
};

export const defineEvent = <Type extends string, Schema extends z.ZodType>(
  type: Type,
  schema: Schema,
  options: {
    category: string;
    description: string;
    version?: number;
    upcasters?: Record<number, (data: unknown) => unknown>;
  },
): EventContract<Type, Schema> => ({
  type,
  category: options.category,
  schema,
  version: options.version ?? 1,
  description: options.description,
  upcasters: options.upcasters ?? {},
});

export type EventOf<C> = C extends EventContract<infer T, infer S> ? DomainEvent<T, z.infer<S>> : never;

/** A stream's id is `<category>-<id>`; the category is stated where the stream is named, never parsed back. */
export const streamId = (category: string, id: string): string => `${category}-${id}`;
