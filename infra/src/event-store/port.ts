import type { NewEvent, RecordedEvent } from '@agent-platform/contracts';

/** `any`: no check; `no_stream`: the stream must not exist; a number: the stream must be exactly at that version. */
export type ExpectedVersion = 'any' | 'no_stream' | number;

export type AppendOptions = {
  expectedVersion: ExpectedVersion;
  /** A retried command with the same id appends nothing and gets the first result back. */
  commandId?: string;
  /** What the command asked for; a second use of the id for a different request is refused. */
  commandFingerprint?: string;
};

export type AppendResult = {
  streamId: string;
  /** The stream's version after the append: pass it as the next expected version. */
  nextExpectedVersion: number;
  /** Global position of the last event appended by this command. */
  lastPosition: number;
  events: RecordedEvent[];
  /** True when the command id had been seen before and nothing was appended now. */
  duplicate: boolean;
};

/** A point in the global log. The log is ordered by (transaction_id, global_position). */
export type LogCheckpoint = { transactionId: string; globalPosition: number };
export const LOG_START: LogCheckpoint = { transactionId: '0', globalPosition: 0 };

export type ReadAllOptions = {
  after: LogCheckpoint;
  limit: number;
  types?: readonly string[];
};

export type ReadAllResult = {
  events: RecordedEvent[];
  /** Where the next read starts; past every event returned. */
  checkpoint: LogCheckpoint;
  /** Rows read from the log, including those the type filter dropped. */
  scanned: number;
  /** Committed events exist beyond what is safe to read yet, because an older transaction is still open. */
  blockedByOpenTransaction: boolean;
};

export type Subscription = {
  stop: () => Promise<void>;
  done: Promise<void>;
  /** Ends the current linger: what was appended so far is delivered as soon as it can be read. */
  hurry: () => void;
};

export type SubscribeOptions = {
  from: LogCheckpoint;
  batchSize?: number;
  types?: readonly string[];
  /**
   * Once live, how long new events may gather before they are read for this subscription, counted from
   * the previous read: fewer, larger batches for consumers that can wait a little. 0 (the default): at once.
   */
  lingerMs?: number;
  /** Called with each batch in log order; the subscription moves on only after it resolves. */
  handle: (events: RecordedEvent[], checkpoint: LogCheckpoint) => Promise<void>;
  onError?: (error: unknown) => void;
};

export interface EventStore {
  append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /** The first result of a command id already handled, or undefined. A different fingerprint is refused. */
  findCommand(commandId: string, fingerprint?: string): Promise<AppendResult | undefined>;
  /** Events in their current shape; an event its upcasters cannot lift fails the read with `UpcastFailed`. */
  readStream(streamId: string, options?: { fromVersion?: number; toVersion?: number }): Promise<RecordedEvent[]>;
  /**
   * Reads the global log gap-safely: an event is returned only once no older transaction can still commit.
   * Here and in `subscribe`, an event its upcasters cannot lift is returned as stored, with `upcast_error`.
   */
  readAll(options: ReadAllOptions): Promise<ReadAllResult>;
  /** Catch-up from a checkpoint, then live. */
  subscribe(options: SubscribeOptions): Subscription;
  /** The log point of an event, by its global position; undefined if no such event. */
  checkpointOf(globalPosition: number): Promise<LogCheckpoint | undefined>;
  headPosition(): Promise<number>;
  close(): Promise<void>;
}
