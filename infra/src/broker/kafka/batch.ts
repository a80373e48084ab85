import type { EachBatchPayload, IHeaders, KafkaMessage } from 'kafkajs';
import { deliverUntilSettled, type Incoming, type Member } from './delivery.js';
import { sleep } from './slots.js';

export const ID_HEADER = 'ap-id';
export const SUBJECT_HEADER = 'ap-subject';

const header = (headers: IHeaders | undefined, name: string): string | undefined => {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
};

/** Our message, or undefined for one without our headers (another producer's). */
export const toIncoming = (message: KafkaMessage): Incoming | undefined => {
  const id = header(message.headers, ID_HEADER);
  const subject = header(message.headers, SUBJECT_HEADER);
  if (!id || !subject) return undefined;
  return { id, subject, key: message.key?.toString() ?? '', body: message.value?.toString() ?? '' };
};

export type BatchContext = {
  member: Member;
  matches: (subject: string) => boolean;
  /** Aborts when the member stops. */
  stopped: AbortSignal;
  onCommitError: (error: unknown) => void;
  heartbeatEveryMs?: number;
};

/**
 * Handles one fetched batch of one partition. Messages of one key are delivered one after the other,
 * in offset order, so a nak delays only its key; other keys share the member's slots. The partition's
 * offset is committed up to the first message not yet settled, each time that point moves, and
 * only by this member: a message that was not acked, termed or given up on is never skipped. The
 * batch returns once every message is settled (kafkajs fetches the partition's next batch only then),
 * and heartbeats meanwhile, since it may wait out long nak delays. A failed heartbeat (the group is
 * rebalancing) aborts the batch and is rethrown, so kafkajs rejoins; unsettled messages go to
 * whichever member gets the partition, from attempt 1.
 */
export const processBatch = async (payload: EachBatchPayload, context: BatchContext): Promise<void> => {
  const { batch } = payload;
  if (context.stopped.aborted) return;
  const abort = new AbortController();
  const onStop = () => abort.abort();
  context.stopped.addEventListener('abort', onStop, { once: true });

  let heartbeatFailure: unknown;
  const finished = new AbortController();
  const beating = (async () => {
    while (await sleep(context.heartbeatEveryMs ?? 1000, AbortSignal.any([finished.signal, abort.signal]))) {
      await payload.heartbeat().catch((error: unknown) => {
        heartbeatFailure = error;
        abort.abort();
      });
    }
  })();

  const messages = batch.messages;
  const settled = messages.map(() => false);
  let next = 0;
  let committed = -1;
  let commits = Promise.resolve();
  const commitLatest = async () => {
    if (next - 1 <= committed) return;
    const upTo = next - 1;
    const offset = (BigInt(messages[upTo]!.offset) + 1n).toString();
    // With explicit offsets this commits them now; the name is kafkajs's.
    await payload.commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset }] }] });
    committed = upTo;
  };
  const markSettled = (index: number) => {
    settled[index] = true;
    const before = next;
    while (next < messages.length && settled[next]) next++;
    if (next === before) return;
    payload.resolveOffset(messages[next - 1]!.offset);
    commits = commits.then(commitLatest).catch(context.onCommitError);
  };

  const tails = new Map<string, Promise<void>>();
  messages.forEach((message, index) => {
    const incoming = toIncoming(message);
    if (!incoming || !context.matches(incoming.subject)) return markSettled(index);
    const tail = (tails.get(incoming.key) ?? Promise.resolve()).then(async () => {
      if ((await deliverUntilSettled(incoming, context.member, abort.signal)) === 'done') markSettled(index);
    });
    tails.set(incoming.key, tail);
  });
  await Promise.all(tails.values());
  finished.abort();
  await beating;
  await commits;
  context.stopped.removeEventListener('abort', onStop);
  if (heartbeatFailure) throw heartbeatFailure;
};
