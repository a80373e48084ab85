import type { RunError } from '@agent-platform/contracts';

/** What the model is told of a call: its output as JSON, its error, or why it was skipped. */
export const observationOf = (outcome: { output?: unknown; error?: RunError | undefined; skipped?: string }): string =>
  outcome.error ? `Error ${outcome.error.code}: ${outcome.error.message}` : outcome.skipped ? `Skipped: ${outcome.skipped}` : JSON.stringify(outcome.output ?? null);
