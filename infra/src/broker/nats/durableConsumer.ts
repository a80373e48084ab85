import { nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { ConsumeOptions } from '../port.js';
import { matchesAny } from '../subjects.js';
import type { WireSubjects } from './setup.js';

/** How a group's subjects become a consumer filter, and which deliveries the client must still drop. */
export type GroupFilter = {
  config: Pick<ConsumerConfig, 'filter_subject' | 'filter_subjects'>;
  /** False for a delivery the server sent only because its filter is wider than the group's subjects. */
  wanted: (wireSubject: string) => boolean;
};

/** Servers from 2.10 take several filter subjects; the CI machine runs 2.9. */
const takesSeveralFilters = (nc: NatsConnection): boolean => {
  const [major = 0, minor = 0] = (nc.info?.version ?? '0.0').split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 10);
};

/** The narrowest single filter covering every pattern: their common literal tokens, then `>`. */
const coverOf = (patterns: readonly string[]): string => {
  const split = patterns.map((p) => p.split('.'));
  const common: string[] = [];
  // `>` needs at least one token after the prefix, so the prefix stops short of the shortest pattern.
  const limit = Math.min(...split.map((tokens) => tokens.length)) - 1;
  for (let i = 0; i < limit; i++) {
    const token = split[0]![i]!;
    if (token === '*' || token === '>' || split.some((tokens) => tokens[i] !== token)) break;
    common.push(token);
  }
  return [...common, '>'].join('.');
};

/**
 * One subject is one `filter_subject`; several are `filter_subjects` where the server takes them.
 * Before 2.10 the consumer filters on a subject covering them all and the client acks the rest
 * unseen: one durable consumer keeps the order of a key across its subjects, several would not.
 */
export const groupFilter = (nc: NatsConnection, subjects: readonly string[], wire: WireSubjects): GroupFilter => {
  const patterns = subjects.map(wire.toWire);
  if (patterns.length === 1) return { config: { filter_subject: patterns[0], filter_subjects: undefined }, wanted: () => true };
  if (takesSeveralFilters(nc)) return { config: { filter_subject: undefined, filter_subjects: patterns }, wanted: () => true };
  return { config: { filter_subject: coverOf(patterns), filter_subjects: undefined }, wanted: matchesAny(patterns) };
};

/**
 * Creates the group's durable pull consumer, reading from the start of the stream, or brings an
 * existing one to the newest member's settings. Ack timeouts and nak delays drive redelivery; the
 * consumer has no `backoff`, since JetStream applies it to ack timeouts only.
 */
export const ensureDurableConsumer = async (
  jsm: JetStreamManager,
  stream: string,
  options: ConsumeOptions,
  filter: GroupFilter,
): Promise<void> => {
  const changeable = { ...filter.config, ack_wait: nanos(options.ackWaitMs), max_deliver: options.maxDeliver };
  try {
    await jsm.consumers.info(stream, options.group);
    await jsm.consumers.update(stream, options.group, changeable);
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound)) throw error;
    await jsm.consumers.add(stream, {
      ...changeable,
      durable_name: options.group,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
  }
};
