import type { MemberEnding } from './memberEndings.js';

type Waiting = { ending: MemberEnding; settle: (error?: unknown) => void };

/**
 * The endings of one team run's members seen in this process, recorded one append at a time: those that
 * end while an append is in flight go together in the next. A parallel team's members end within a few
 * milliseconds of each other; recorded one by one they would collide on the team run's stream and retry.
 */
export const endingBatches = (record: (teamRunId: string, workspaceId: string, endings: MemberEnding[]) => Promise<void>) => {
  const queues = new Map<string, Waiting[]>();
  const drain = async (teamRunId: string, workspaceId: string, queue: Waiting[]) => {
    while (queue.length) {
      const batch = queue.splice(0);
      const failure = await record(
        teamRunId,
        workspaceId,
        batch.map((w) => w.ending),
      ).then(
        () => undefined,
        (error: unknown) => error ?? new Error('recording member endings failed'),
      );
      for (const waiting of batch) waiting.settle(failure);
    }
    queues.delete(teamRunId);
  };
  return (teamRunId: string, workspaceId: string, ending: MemberEnding): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown) => (error ? reject(error as Error) : resolve());
      const queue = queues.get(teamRunId);
      if (queue) return void queue.push({ ending, settle });
      const fresh: Waiting[] = [{ ending, settle }];
      queues.set(teamRunId, fresh);
      void drain(teamRunId, workspaceId, fresh);
    });
};
