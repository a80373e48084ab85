import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ProviderError } from '../errors.js';

const scrub = (text: string, secret: string | undefined): string => (secret ? text.split(secret).join('[redacted]') : text);

/**
 * Some servers echo the key they were sent in a 401 body. The client's error is kept as `cause` (for the
 * logs), so the key is removed from its message and parsed body before it goes anywhere.
 */
const scrubError = (error: unknown, secret: string | undefined): void => {
  if (!secret || !(error instanceof Error)) return;
  error.message = scrub(error.message, secret);
  const withBody = error as { error?: unknown };
  if (withBody.error !== undefined) withBody.error = JSON.parse(scrub(JSON.stringify(withBody.error), secret));
};

/**
 * What a failed call becomes: a `ProviderError` for every failure of the provider, or the caller's own
 * abort unchanged (cancelling is not the provider's fault). The status decides the kind: 408, 409, 429
 * and 5xx, timeouts and connection failures are `unavailable` (retrying later may work); other 4xx are
 * `unprocessable`. These are the same statuses the client itself retries before giving up. `who` names the
 * server in messages: the embeddings may be served by another than the chat model.
 */
export const providerFailure = (error: unknown, secret: string | undefined, who = 'the model provider'): Error => {
  scrubError(error, secret);
  if (error instanceof ProviderError || error instanceof APIUserAbortError) return error;
  const cause = { cause: error };
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderError('PROVIDER_TIMEOUT', `${who} did not answer in time`, 'unavailable', undefined, cause);
  }
  if (error instanceof APIConnectionError) {
    return new ProviderError('PROVIDER_UNREACHABLE', `${who} is unreachable: ${error.message}`, 'unavailable', undefined, cause);
  }
  if (error instanceof APIError) {
    const { status } = error;
    const message = `${who} answered: ${error.message}`;
    if (status === undefined) return new ProviderError('PROVIDER_UNAVAILABLE', message, 'unavailable', undefined, cause);
    if (status === 429) return new ProviderError('PROVIDER_RATE_LIMITED', message, 'unavailable', status, cause);
    if (status >= 500 || status === 408 || status === 409) return new ProviderError('PROVIDER_UNAVAILABLE', message, 'unavailable', status, cause);
    if (status === 401 || status === 403) return new ProviderError('PROVIDER_UNAUTHORIZED', message, 'unprocessable', status, cause);
    return new ProviderError('PROVIDER_REJECTED', message, 'unprocessable', status, cause);
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new ProviderError('PROVIDER_BAD_RESPONSE', `${who}'s answer could not be read: ${detail}`, 'unavailable', undefined, cause);
};
