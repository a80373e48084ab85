/**
 * Errors every package shares. The domain raises them; one problem-details middleware at the HTTP edge
 * maps `kind` to a status, so no domain code knows about HTTP.
 */
export type ErrorCategory = 'USER' | 'SYSTEM' | 'THIRD_PARTY';
export type ErrorKind =
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'unavailable'
  | 'internal';

export type FieldIssue = { field: string; message: string };

export class PlatformError extends Error {
  override name = 'PlatformError';
  constructor(
    readonly code: string,
    message: string,
    readonly kind: ErrorKind,
    readonly category: ErrorCategory = 'USER',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class ValidationError extends PlatformError {
  override name = 'ValidationError';
  constructor(readonly issues: FieldIssue[], code = 'VALIDATION_FAILED') {
    super(code, issues.map((i) => `${i.field}: ${i.message}`).join('; '), 'validation');
  }
}

export class NotFoundError extends PlatformError {
  override name = 'NotFoundError';
  /** `issues` name the fields that hold the unknown ids, when the id came in a body rather than the path. */
  constructor(code: string, message: string, readonly issues: FieldIssue[] = []) {
    super(code, message, 'not_found');
  }
}

export class ConflictError extends PlatformError {
  override name = 'ConflictError';
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, 'conflict', 'USER', options);
  }
}

/** The stream moved on since it was read: the caller decided on stale state. */
export class ExpectedVersionConflict extends ConflictError {
  override name = 'ExpectedVersionConflict';
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: number,
    options?: { cause?: unknown },
  ) {
    super('EXPECTED_VERSION_CONFLICT', `stream ${streamId} is at version ${actual}, expected ${expected}`, options);
  }
}

/** An idempotency key was reused for a different request. */
export class IdempotencyKeyReused extends PlatformError {
  override name = 'IdempotencyKeyReused';
  constructor(readonly commandId: string) {
    super('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used with a different request', 'unprocessable');
  }
}

export class UnavailableError extends PlatformError {
  override name = 'UnavailableError';
  constructor(code: string, message: string, readonly retryAfterSeconds = 1, options?: { cause?: unknown }) {
    super(code, message, 'unavailable', 'SYSTEM', options);
  }
}

export class UnsupportedMediaType extends PlatformError {
  override name = 'UnsupportedMediaType';
  constructor(received: string) {
    super('UNSUPPORTED_MEDIA_TYPE', `the body must be application/json, not ${received}`, 'unsupported_media_type');
  }
}
