/**
 * How a projector retries a page that failed for a reason of the event's own before it parks the event:
 * five attempts over 1.5 s, the wait doubling from 100 ms up to 5 s. Written here once: the config's
 * defaults (AGENT_PLATFORM_PROJECTION_MAX_ATTEMPTS, _RETRY_MS) and the projectors' both read it, and the
 * config cannot import the projectors.
 */
export const PROJECTION_RETRY_DEFAULTS = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5_000 } as const;
