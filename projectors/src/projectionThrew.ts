import type { RecordedEvent } from '@agent-platform/contracts';

type Issue = { path: readonly PropertyKey[]; message: string };

/** A schema's refusal (a zod error's issues) in one line, `field: message; …`; any other error by its message. */
const reasonOf = (cause: unknown): string => {
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  if (Array.isArray(issues)) return (issues as Issue[]).map((i) => `${i.path.map(String).join('.') || '(data)'}: ${i.message}`).join('; ');
  return cause instanceof Error ? cause.message : String(cause);
};

/** A projection threw on an event while it built its statements: the event's data broke it, not the database. */
export class ProjectionThrew extends Error {
  override name = 'ProjectionThrew';
  constructor(readonly event: RecordedEvent, override readonly cause: unknown) {
    super(`projecting ${event.type} at position ${event.global_position} threw: ${reasonOf(cause)}`);
  }
}
