/** One message to publish: an event envelope, its subject, its dedup id and its ordering key. */
export type OutgoingMessage = {
  /** The broker's dedup key: the event id. */
  id: string;
  /** `agentplatform.events.<category>.<EventType>` */
  subject: string;
  /** Messages with one key are delivered in publish order: the stream id. */
  key: string;
  /** The CloudEvents JSON envelope. */
  body: string;
};

export type PublishAck = { id: string; duplicate: boolean };

/** One delivery of a message to one member of a consumer group. */
export type Delivery = {
  id: string;
  subject: string;
  key: string;
  body: string;
  /** 1 on the first delivery, 2 on the first redelivery, … */
  attempt: number;
  /** Done: never deliver it to this group again. Resolves once the broker confirmed the ack. */
  ack: () => Promise<void>;
  /** Failed: deliver it again after about `delayMs`; the redelivery counts toward `maxDeliver`. */
  nak: (delayMs: number) => Promise<void>;
  /** Give up: never deliver it again (the caller has recorded why). */
  term: () => Promise<void>;
};

export type ConsumeOptions = {
  /**
   * A durable consumer group: its members share the messages, each message goes to one member at a
   * time. Letters, digits, `-` and `_` (a NATS durable name and a Kafka group id).
   */
  group: string;
  /** Exact subjects, or subjects ending in `.>` for everything below. */
  subjects: readonly string[];
  /** Deliveries the broker makes before giving up on its own; the processor runtime decides earlier. */
  maxDeliver: number;
  /** A delivery neither acked nor nak'ed within this time is redelivered (its member is taken for dead). */
  ackWaitMs: number;
  /** Handlers this member runs at once. An adapter may pull as many more ahead, whose ack wait already runs. */
  concurrency: number;
  /**
   * Settles the delivery with `ack`, `nak` or `term`. One that returns or throws without settling it
   * stays with the group and comes back after `ackWaitMs`; a throw is also reported to `onError`.
   */
  handle: (delivery: Delivery) => Promise<void>;
  /** Errors of handlers and of the adapter's own consuming loop. */
  onError?: (error: unknown) => void;
};

export type Consumer = {
  /**
   * Stops taking deliveries and resolves once this member's running handlers returned. The group
   * stays: deliveries it held unsettled go back to the group, and a new member resumes where it stands.
   */
  stop: () => Promise<void>;
};

/**
 * At-least-once publish/subscribe with durable consumer groups. Adapters: NATS JetStream, Kafka and an
 * in-process bus, all proven by one contract suite.
 */
export interface Broker {
  readonly name: string;
  /**
   * The largest message body the broker takes (NATS: the server's `max_payload`, less room for headers).
   * The relay sends a larger event's envelope without its `data`, pointing at the log instead (`dataref`).
   */
  readonly maxMessageBytes: number;
  /**
   * Publishes in order and resolves once the broker acknowledged every message; an id re-published
   * within the broker's dedup window is a duplicate. If it rejects, part of the batch may be stored:
   * publish the whole batch again.
   */
  publish(messages: readonly OutgoingMessage[]): Promise<PublishAck[]>;
  /**
   * Adds a member to a group. The first member creates the group, which then reads from the start of
   * the stream; the options of the newest member apply to the whole group.
   */
  consume(options: ConsumeOptions): Promise<Consumer>;
  /** Stops every member it started, then lets go of the connection. */
  close(): Promise<void>;
}
