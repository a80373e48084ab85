import type { JobDefinition } from '@agent-platform/contracts';

/** A scheduled job as its stream folds it (`schedulerDecider`). */
/** A fire in flight: recorded, not yet ended. */
export type InFlight = { slot: string; attempt: number; firedBy: string; leaseUntil: string };
export type ScheduledJobState =
  | { status: 'none' }
  | {
      status: 'active' | 'paused' | 'completed' | 'failed' | 'cancelled' | 'skipped';
      workspaceId: string;
      job: JobDefinition;
      nextFireTime: string | null;
      fire: InFlight | null;
      retry: { slot: string; attempt: number; at: string } | null;
      /** The newest slot that fired: no slot at or before it fires again. */
      lastSlot: string | null;
    };
export type ExistingJob = Exclude<ScheduledJobState, { status: 'none' }>;
