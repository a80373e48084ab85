import { PlatformError } from '@agent-platform/contracts';

/** Stable codes of provider failures: callers branch on `kind`, operators read `code`. */
export type ProviderErrorCode =
  | 'PROVIDER_TIMEOUT'
  | 'PROVIDER_UNREACHABLE'
  | 'PROVIDER_RATE_LIMITED'
  | 'PROVIDER_UNAVAILABLE'
  | 'PROVIDER_UNAUTHORIZED'
  | 'PROVIDER_REJECTED'
  | 'PROVIDER_BAD_RESPONSE'
  /** An embedding of another length than the configured dimension: a configuration error, it fails every time. */
  | 'EMBEDDING_DIMENSION_MISMATCH';

/**
 * The model provider failed. `kind: 'unavailable'` (429, 5xx, timeouts, connection failures) is worth
 * retrying later; `kind: 'unprocessable'` (other 4xx) will fail the same way again. The message never
 * carries the API key; `cause` keeps the client's own error for the logs.
 */
export class ProviderError extends PlatformError {
  override name = 'ProviderError';
  constructor(
    code: ProviderErrorCode,
    message: string,
    kind: 'unavailable' | 'unprocessable',
    /** The provider's HTTP status, when it answered at all. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, kind, 'THIRD_PARTY', options);
  }
}
