import { ConflictError, NotFoundError, ValidationError, type JobDefinition, type RunError } from '@agent-platform/contracts';
import type { InFlight } from '@agent-platform/command-api/commands';

/** What a fire's dispatch gave: recorded as the fire's outcome, a failure retried by the job's policy. */
export type FireOutcome = { ok: true; result: Record<string, unknown> } | { ok: false; error: RunError };
/** Who a fire acts as: the job's workspace, and its id for the effects' correlation. */
export type FireContext = { workspaceId: string; jobId: string; correlationId?: string };
/** Carries out one fire of a job; must not throw for a refusal of the job's own making. */
export type JobDispatcher = (job: JobDefinition, fire: InFlight, context: FireContext) => Promise<FireOutcome>;

export const failure = (code: string, message: string): FireOutcome => ({ ok: false, error: { code, message } });

/** A refusal by another domain's decider (an unknown agent, a closed session) fails the fire with its code; anything else is the platform's and throws. */
export const refusalOf = (error: unknown): FireOutcome => {
  if (error instanceof ConflictError || error instanceof NotFoundError || error instanceof ValidationError) return failure(error.code, error.message);
  throw error;
};

/** One key per slot, not per attempt: a fire retried after its holder was lost makes its effect once. */
export const effectKeyOf = (job: Pick<JobDefinition, 'job_id'>, fire: Pick<InFlight, 'slot'>): string => `scheduler:${job.job_id}:${fire.slot}`;
