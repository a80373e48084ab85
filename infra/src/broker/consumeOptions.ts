import { InvalidConsumeOptions } from './errors.js';
import type { ConsumeOptions } from './port.js';

/** A group name is a NATS durable name and a Kafka group id: letters, digits, `-` and `_` fit both. */
const GROUP_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** Rejects options every adapter would misread, so adapters fail alike and early. */
export const validateConsumeOptions = (options: ConsumeOptions): void => {
  const positive = (value: number) => Number.isInteger(value) && value > 0;
  if (!GROUP_NAME.test(options.group)) throw new InvalidConsumeOptions(`group ${JSON.stringify(options.group)} is not a valid name`);
  if (options.subjects.length === 0) throw new InvalidConsumeOptions('a consumer needs at least one subject');
  if (!positive(options.concurrency)) throw new InvalidConsumeOptions('concurrency must be a positive integer');
  if (!positive(options.maxDeliver)) throw new InvalidConsumeOptions('maxDeliver must be a positive integer');
  if (!positive(options.ackWaitMs)) throw new InvalidConsumeOptions('ackWaitMs must be a positive integer');
};
