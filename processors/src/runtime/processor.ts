import type { EventEnvelope } from '@agent-platform/contracts';
import type { CommandContext } from '@agent-platform/command-api/commands';
import type { Knex } from '@agent-platform/infra';

export type ProcessorContext = {
  /** 1 on the first delivery. */
  attempt: number;
  /**
   * The context for a command this reaction sends: the same idempotency key on every redelivery of the
   * event (per `step`), so a command that was appended before a crash is not appended again.
   */
  commandContext: (step?: string) => CommandContext;
  /** Only for `transactional` processors: their writes commit together with the inbox record. */
  trx?: Knex.Transaction;
};

/**
 * A reaction to events. Its `group` is a durable consumer group: the members of all processes running it
 * share its events. Effects happen once: the inbox records each handled event, and every effect is either
 * written in the inbox's transaction (`transactional`, for quick SQL) or sent as a command whose
 * idempotency key comes from the event (for slow work, which must not hold a transaction open: an open
 * transaction holds back every reader of the log). A handler whose effects are all of the second kind
 * may say it is `idempotent` and go without the inbox.
 */
export type Processor = {
  group: string;
  types: readonly string[];
  handle: (event: EventEnvelope, context: ProcessorContext) => Promise<void>;
  transactional?: boolean;
  /**
   * The handler is safe to run again on an event it handled (every effect it has carries an idempotency
   * key from the event, or it joins what that event started), so the inbox's two round trips per event
   * buy nothing and are skipped. Not together with `transactional`.
   */
  idempotent?: boolean;
  concurrency?: number;
  /** Attempts before the event is dead-lettered. */
  maxAttempts?: number;
};
