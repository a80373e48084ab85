/** Exponential backoff with full jitter: 0.25 s, 0.5 s, 1 s … capped at 30 s, spread so retries do not arrive together. */
export const retryDelayMs = (attempt: number, baseMs = 250, capMs = 30_000): number =>
  Math.round(Math.min(capMs, baseMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2));
