import { categoryOf, subjectOf } from '@agent-platform/contracts';
import { repeatedLog, UpcastFailed, type Broker, type Consumer, type Delivery, type EventStore, type Knex, type Logger } from '@agent-platform/infra';
import { recordDeadLetter } from '../dead-letters/record.js';
import { retryDelayMs } from './backoff.js';
import { claimed, envelopeOf } from './envelope.js';
import type { Processor } from './processor.js';
import { runOnce } from './run.js';

export type ProcessorRuntime = { stop: () => Promise<void> };

export type RuntimeOptions = {
  /** A delivery not settled within this time goes to another member: its member is taken for dead. */
  ackWaitMs?: number;
  defaultMaxAttempts?: number;
  defaultConcurrency?: number;
};

/**
 * Consumes each processor's events from the broker. A failure is retried with exponential backoff
 * (nak with a delay); after the processor's last attempt the event is dead-lettered, with its error, and
 * terminated at the broker. Several processes may run the same processors: they share each group's work.
 */
export const startProcessorRuntime = async (
  deps: { broker: Broker; store: EventStore; knex: Knex; log: Logger },
  processors: readonly Processor[],
  options: RuntimeOptions = {},
): Promise<ProcessorRuntime> => {
  const consumers: Consumer[] = [];
  for (const processor of processors) {
    if (processor.idempotent && processor.transactional) throw new Error(`processor ${processor.group} is both idempotent and transactional: its writes need the inbox`);
    const log = deps.log.child({ consumer_group: processor.group });
    const maxAttempts = processor.maxAttempts ?? options.defaultMaxAttempts ?? 5;
    // A dependency that is down fails every event of the group, each up to `maxAttempts` times: logged at a
    // bounded rate. Each dead letter is logged: it is recorded for an operator anyway.
    const retrying = repeatedLog(log, 'warn', 'processor failed; retrying');
    const consumerFailed = repeatedLog(log, 'error', 'consumer error');

    const handle = async (delivery: Delivery) => {
      const parsed = envelopeOf(delivery);
      if ('invalid' in parsed) {
        // Not the platform's envelope (another publisher on our subjects, or a mangled body): no dead letter can
        // be recorded for it (it names no event of the log to retry, nor a workspace to trust), and no retry can
        // change its bytes. The log line is its record; the broker is told never to deliver it again.
        log.error({ message_id: delivery.id, subject: delivery.subject, ...parsed.invalid }, 'processor got a message that is not an event envelope; dropping it');
        await delivery.term();
        return;
      }
      const event = parsed.envelope.dataref === undefined ? parsed.envelope : await claimed(deps.store, parsed.envelope);
      if (!event) {
        // A claim check for an event the log does not hold: like a message that is no envelope, never retried.
        log.error({ message_id: delivery.id, subject: delivery.subject, dataref: parsed.envelope.dataref }, 'processor got a claim check for no event of the log; dropping it');
        await delivery.term();
        return;
      }
      if (event.upcasterror !== undefined) {
        // Not in the shape the handler expects, and never will be: no attempt could succeed, so none is made.
        const error = new UpcastFailed({ type: event.type, global_position: event.globalposition, schema_version: event.schemaversion, upcast_error: event.upcasterror });
        log.error({ err: error, event_id: event.id, event_type: event.type }, 'processor got an event the platform could not upcast; dead-lettering it');
        await recordDeadLetter(deps.store, processor.group, event, delivery.attempt, error);
        await delivery.term();
        return;
      }
      try {
        await runOnce(deps.knex, processor, event, delivery.attempt);
        await delivery.ack();
      } catch (error) {
        const context = { err: error, event_id: event.id, event_type: event.type, attempt: delivery.attempt, correlation_id: event.correlationid };
        if (delivery.attempt < maxAttempts) {
          retrying(context);
          await delivery.nak(retryDelayMs(delivery.attempt));
          return;
        }
        log.error(context, 'processor failed its last attempt; dead-lettering the event');
        await recordDeadLetter(deps.store, processor.group, event, delivery.attempt, error);
        await delivery.term();
      }
    };

    consumers.push(
      await deps.broker.consume({
        group: processor.group,
        subjects: processor.types.map((type) => subjectOf(categoryOf(type), type)),
        // The broker's own limit sits above ours, so the runtime always gets to dead-letter first.
        maxDeliver: maxAttempts + 1,
        ackWaitMs: options.ackWaitMs ?? 30_000,
        concurrency: processor.concurrency ?? options.defaultConcurrency ?? 8,
        handle,
        onError: (error) => consumerFailed({ err: error }),
      }),
    );
  }
  return { stop: async () => void (await Promise.all(consumers.map((c) => c.stop()))) };
};
