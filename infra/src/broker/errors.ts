import { PlatformError, UnavailableError } from '@agent-platform/contracts';

/** The broker cannot be reached, or did not confirm a publish or a setup call: retry later. */
export class BrokerUnavailable extends UnavailableError {
  override name = 'BrokerUnavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super('BROKER_UNAVAILABLE', message, 1, options);
  }
}

/** The broker answered and refused (a message too large, a wrong stream, a bad setting): retrying will not help. */
export class BrokerRejected extends PlatformError {
  override name = 'BrokerRejected';
  constructor(message: string, cause: unknown) {
    super('BROKER_REJECTED', message, 'internal', 'THIRD_PARTY', { cause });
  }
}

/** The broker was used after `close()`: a shutdown-order bug in the caller. */
export class BrokerClosed extends PlatformError {
  override name = 'BrokerClosed';
  constructor() {
    super('BROKER_CLOSED', 'the broker is closed', 'internal', 'SYSTEM');
  }
}

/** `consume` was called with options no adapter can honour: a programming error, not a transient one. */
export class InvalidConsumeOptions extends PlatformError {
  override name = 'InvalidConsumeOptions';
  constructor(message: string) {
    super('BROKER_INVALID_CONSUME_OPTIONS', message, 'internal', 'SYSTEM');
  }
}
