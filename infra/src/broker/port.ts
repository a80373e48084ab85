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
  /** Done: never deliver it to this group again. */
  ack: () => Promise<void>;
  /** Failed: deliver it again after `delayMs`. */
  nak: (delayMs: number) => Promise<void>;
  /** Give up: never deliver it again (the caller has recorded why). */
  term: () => Promise<void>;
};

export type ConsumeOptions = {
  /** A durable consumer group: its members share the messages, each message goes to one member at a time. */
  group: string;
  /** Exact subjects, or subjects ending in `.>` for everything below. */
  subjects: readonly string[];
  /** Deliveries the broker makes before giving up on its own; the processor runtime decides earlier. */
  maxDeliver: number;
  /** A delivery neither acked nor nak'ed within this time is redelivered (its member is taken for dead). */
  ackWaitMs: number;
  /** Deliveries handled at once by this member. */
  concurrency: number;
  handle: (delivery: Delivery) => Promise<void>;
  onError?: (error: unknown) => void;
};

export type Consumer = { stop: () => Promise<void> };

/**
 * At-least-once publish/subscribe with durable consumer groups. Adapters: NATS JetStream, Kafka and an
 * in-process bus, all proven by one contract suite.
 */
export interface Broker {
  readonly name: string;
  /** Publishes in order and resolves once the broker acknowledged every message; a re-published id is a duplicate. */
  publish(messages: readonly OutgoingMessage[]): Promise<PublishAck[]>;
  consume(options: ConsumeOptions): Promise<Consumer>;
  close(): Promise<void>;
}
