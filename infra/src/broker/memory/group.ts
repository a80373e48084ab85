import type { ConsumeOptions, Consumer, Delivery } from '../port.js';
import { matchesAny } from '../subjects.js';

export type StoredMessage = { id: string; subject: string; key: string; body: string };

type Member = { options: ConsumeOptions; running: Set<Promise<void>> };

/** A message delivered to the group and not yet settled; `waiting` while its member may still settle it. */
type Outstanding = { attempt: number; waiting: boolean; timer: NodeJS.Timeout | undefined };

export type Group = { join: (options: ConsumeOptions) => Consumer; pump: () => void; close: () => Promise<void> };

/**
 * One durable consumer group over the broker's log, which it reads by index. Like a JetStream durable
 * consumer it outlives its members: a new member resumes where the group stands. Messages go out in log
 * order, redeliveries (lowest index first) before new ones, so one member with concurrency 1 sees each
 * key in publish order as long as nothing is redelivered.
 */
export const createGroup = (log: readonly StoredMessage[], first: ConsumeOptions): Group => {
  let settings: Pick<ConsumeOptions, 'maxDeliver' | 'ackWaitMs'> = first;
  let matches = matchesAny(first.subjects);
  let next = 0;
  const outstanding = new Map<number, Outstanding>();
  const due: number[] = [];
  const members: Member[] = [];
  let turn = 0;

  /** The ack wait or a nak delay ran out: redeliver, unless the group has delivered it maxDeliver times. */
  const redeliver = (index: number, entry: Outstanding) => {
    entry.waiting = false;
    entry.timer = undefined;
    if (entry.attempt >= settings.maxDeliver) {
      outstanding.delete(index);
      return;
    }
    const at = due.findIndex((i) => i > index);
    due.splice(at === -1 ? due.length : at, 0, index);
    pump();
  };

  const schedule = (index: number, entry: Outstanding, ms: number) => {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => redeliver(index, entry), ms);
  };

  const takeNext = (): number | undefined => {
    for (let index = due.shift(); index !== undefined; index = due.shift()) {
      // An ack from an earlier delivery may have settled a message that was already due again.
      if (outstanding.has(index)) return index;
    }
    while (next < log.length) {
      const index = next++;
      if (matches(log[index]!.subject)) return index;
    }
    return undefined;
  };

  const deliver = (member: Member, index: number) => {
    const entry = outstanding.get(index) ?? { attempt: 0, waiting: false, timer: undefined };
    outstanding.set(index, entry);
    const attempt = ++entry.attempt;
    entry.waiting = true;
    schedule(index, entry, settings.ackWaitMs);
    // Any delivery may settle the message, as in JetStream; only the latest one may ask for a retry.
    const settle = async () => {
      if (outstanding.get(index) !== entry) return;
      clearTimeout(entry.timer);
      outstanding.delete(index);
    };
    const delivery: Delivery = {
      ...log[index]!,
      attempt,
      ack: settle,
      term: settle,
      nak: async (delayMs) => {
        if (outstanding.get(index) !== entry || entry.attempt !== attempt || !entry.waiting) return;
        entry.waiting = false;
        schedule(index, entry, Math.max(0, delayMs));
      },
    };
    const run = (async () => {
      // Never call a handler synchronously inside publish() or consume().
      await Promise.resolve();
      try {
        await member.options.handle(delivery);
      } catch (error) {
        // The delivery stays unsettled and comes back after the ack wait, as if the member had died.
        member.options.onError?.(error);
      }
    })();
    member.running.add(run);
    void run.finally(() => {
      member.running.delete(run);
      pump();
    });
  };

  const pump = () => {
    for (;;) {
      const free = members.filter((m) => m.running.size < m.options.concurrency);
      if (free.length === 0) return;
      const index = takeNext();
      if (index === undefined) return;
      deliver(free[turn++ % free.length]!, index);
    }
  };

  const join = (options: ConsumeOptions): Consumer => {
    // The newest member's settings apply to the whole group, as a JetStream consumer update would.
    settings = { maxDeliver: options.maxDeliver, ackWaitMs: options.ackWaitMs };
    matches = matchesAny(options.subjects);
    const member: Member = { options, running: new Set() };
    members.push(member);
    pump();
    return {
      stop: async () => {
        const at = members.indexOf(member);
        if (at !== -1) members.splice(at, 1);
        // Deliveries it held but had not settled come back to the group after their ack wait.
        await Promise.all(member.running);
      },
    };
  };

  const close = async () => {
    const running = members.splice(0).flatMap((m) => [...m.running]);
    for (const entry of outstanding.values()) clearTimeout(entry.timer);
    outstanding.clear();
    await Promise.all(running);
  };

  return { join, pump, close };
};
