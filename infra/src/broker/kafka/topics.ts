import { SUBJECT_PREFIX } from '@agent-platform/contracts';
import type { Admin } from 'kafkajs';
import { InvalidConsumeOptions } from '../errors.js';

/*
 * One topic per category: `agentplatform.events.<category>`, the first three tokens of the subject
 * `agentplatform.events.<category>.<EventType>`. The full subject travels as a header, and
 * consumers filter on it after subscribing to the category topics.
 */

const PREFIX_TOKENS = SUBJECT_PREFIX.split('.').length;
const isWildcard = (token: string | undefined) => token === undefined || token === '*' || token === '>';

export class InvalidSubject extends Error {
  override name = 'InvalidSubject';
}

export const topicOf = (subject: string): string => {
  const tokens = subject.split('.');
  if (tokens.length <= PREFIX_TOKENS + 1 || !subject.startsWith(`${SUBJECT_PREFIX}.`) || isWildcard(tokens[PREFIX_TOKENS])) {
    throw new InvalidSubject(`${subject} is not a subject of the form ${SUBJECT_PREFIX}.<category>.<EventType>`);
  }
  return tokens.slice(0, PREFIX_TOKENS + 1).join('.');
};

/** Every category topic; kafkajs resolves a pattern against the topics that exist when it subscribes. */
export const ALL_CATEGORY_TOPICS = new RegExp(`^${SUBJECT_PREFIX.replaceAll('.', '\\.')}\\.[^.]+$`);

/**
 * The topics a consumer subscribes to for its subject patterns: the category topic of each, or every
 * category topic for a pattern whose category is a wildcard (`agentplatform.events.*.X`, `agentplatform.events.>`).
 */
export const topicsFor = (patterns: readonly string[]): { topics: string[]; everyCategory: boolean } => {
  const topics = new Set<string>();
  let everyCategory = false;
  for (const pattern of patterns) {
    if (!pattern.startsWith(`${SUBJECT_PREFIX}.`)) throw new InvalidConsumeOptions(`subject ${pattern} is not below ${SUBJECT_PREFIX}`);
    const tokens = pattern.split('.');
    if (isWildcard(tokens[PREFIX_TOKENS])) everyCategory = true;
    else topics.add(tokens.slice(0, PREFIX_TOKENS + 1).join('.'));
  }
  return { topics: [...topics], everyCategory };
};

/**
 * Creates topics this process has not seen yet, with `partitions` partitions (a topic that exists
 * keeps its own count). Explicit creation does not depend on the broker's auto-creation, which would
 * give a topic the broker's default partition count (often 1: one member of a group would get all).
 */
export const topicCreator = (admin: () => Promise<Admin>, partitions: number) => {
  const known = new Map<string, Promise<void>>();
  return (topics: readonly string[]): Promise<void[]> =>
    Promise.all(
      topics.map((topic) => {
        let created = known.get(topic);
        if (!created) {
          created = admin()
            .then((a) => a.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true }))
            .then(() => undefined);
          // A failed creation is retried by the next caller.
          created.catch(() => known.delete(topic));
          known.set(topic, created);
        }
        return created;
      }),
    );
};
