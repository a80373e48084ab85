import type { Logger, Reply } from '@agent-platform/infra';

/*
 * What every kind of durable run's execute and claim routes share (agent, skill and team runs): the
 * executor's options from the body, the 200/202 answer, and the claim loop over queued runs.
 */

type ExecuteBody = { worker_key: string; wait: boolean; dry_run?: boolean | undefined; lease_seconds?: number | undefined };

/** The executor's options from an execute (or claim) body: a body that does not wait gets 202 at once. */
export const executeOptionsOf = (body: ExecuteBody, executeWaitMs: number) => ({
  workerKey: body.worker_key,
  ...(body.dry_run !== undefined ? { dryRun: body.dry_run } : {}),
  ...(body.lease_seconds ? { leaseMs: body.lease_seconds * 1000 } : {}),
  waitMs: body.wait ? executeWaitMs : 0,
});

/** 200 with the outcome when the run settled within the wait; else 202, and where to poll it (`runsPath`/`id`). */
export const executionReply = (runsPath: string, { settled, outcome }: { settled: boolean; outcome: { id: string } }): Reply => ({
  status: settled ? 200 : 202,
  body: outcome,
  headers: settled ? {} : { location: `${runsPath}/${outcome.id}` },
});

/** How many queued runs the claim API tries before it says there is none: the others may be taken meanwhile. */
export const CLAIM_CANDIDATES = 10;

/**
 * The claim API (`…/workers/execute-next`): executes the first of `queued` not taken meanwhile (the read model
 * may lag: a run taken is refused by its lease, and the next is tried); 204 when every one was taken.
 */
export const claimNext = async <E extends Error & { code: string }>(
  queued: readonly string[],
  execute: (id: string) => Promise<Reply>,
  isTaken: (error: unknown) => error is E,
  log: Logger,
): Promise<Reply> => {
  for (const id of queued) {
    try {
      return await execute(id);
    } catch (error) {
      if (!isTaken(error)) throw error;
      log.debug({ run_id: id, code: error.code }, 'queued run taken meanwhile; trying the next');
    }
  }
  return { status: 204, body: undefined };
};
