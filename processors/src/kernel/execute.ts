import { ConflictError, NotFoundError, streamId, type DomainEvent } from '@agent-platform/contracts';
import { evolveAll } from '@agent-platform/command-api/commands';
import { watchStream, type EventStore, type Logger } from '@agent-platform/infra';
import { openJournal } from './journal.js';
import type { RunKind, RunPhase, StartOptions } from './runKind.js';

export type ExecuteOptions = {
  /** How long the caller waits for the run to settle (end, or wait for something from outside). */
  waitMs: number;
  /** Only a run this worker can take: one another worker holds, or that settled, is refused (409 `<CODE>_ENDED` / `_LEASED`). */
  claim?: boolean;
};
export type Executed<O> = { settled: boolean; outcome: O };

/** Where a caller stops waiting: the run ended, or it waits for a person or a time (not for runs of its own, which go on without anyone). */
export const isSettled = (phase: RunPhase): boolean => phase.phase === 'ended' || (phase.phase === 'waiting' && !phase.children);

/**
 * `execute` as the HTTP API offers it, for every kind of run: the caller's worker takes the run if nobody
 * holds it (and drives it in this process), else the caller waits for the holder. Either way it waits at
 * most `waitMs` for the run to settle; `settled: false` means it is still going.
 */
export const executeWith = <S, C, E extends DomainEvent, O, Options>(deps: {
  kind: RunKind<S, C, E, O, Options>;
  store: EventStore;
  log: Logger;
  drive: (runId: string, options: StartOptions & Options) => Promise<{ done: Promise<Executed<O>> }>;
  drivenHere: (runId: string) => { workspaceId: string } | undefined;
}) => {
  const { kind, store } = deps;
  const code = (suffix: string) => `${kind.code}_${suffix}`;
  const elsewhere = new Set([code('LEASED'), code('ENDED'), code('WAITING')]);

  /** The run as its stream has it, or 404 when it is not in the workspace. */
  const read = async (runId: string, workspaceId: string) => {
    const journal = await openJournal(store, kind, runId);
    const state = journal.state();
    if (kind.phaseOf(state).phase === 'none' || kind.scopeOf(state)?.workspaceId !== workspaceId) {
      throw new NotFoundError(code('NOT_FOUND'), `${kind.noun} ${runId} does not exist in this workspace`);
    }
    return { state, version: journal.version(), outcome: kind.outcomeOf(runId, state, journal.position()) };
  };

  /** Resolves when the run's stream, from `from` on, settles it, or when `signal` aborts. */
  const settles = async (runId: string, from: { state: S; version: number }, signal: AbortSignal): Promise<void> => {
    let state = from.state;
    for await (const event of watchStream(store, streamId(kind.category, runId), { afterVersion: from.version, signal })) {
      state = evolveAll(kind.decider, state, [event]);
      if (isSettled(kind.phaseOf(state))) return;
    }
  };

  return async (runId: string, workspaceId: string, options: StartOptions & Options & ExecuteOptions): Promise<Executed<O>> => {
    // A run this process drives in the caller's workspace is joined as it is; any other is read first.
    const joinable = !options.claim && deps.drivenHere(runId)?.workspaceId === workspaceId;
    const before = joinable ? undefined : await read(runId, workspaceId);
    const phase = before && kind.phaseOf(before.state);
    if (before && phase && isSettled(phase)) {
      if (options.claim) throw new ConflictError(code('ENDED'), `${kind.noun} ${runId} ${phase.phase === 'ended' ? `is ${phase.status}` : 'waits'}`);
      return { settled: true, outcome: before.outcome };
    }
    const stopWaiting = new AbortController();
    // What this process's own driver says at the end; a run driven elsewhere is read back from its stream.
    let finished: Promise<Executed<O> | undefined>;
    try {
      const { done } = await deps.drive(runId, options);
      // A run that fails unexpectedly stays leased; the sweeper resumes it once the lease runs out.
      finished = done.catch((error: unknown) => {
        deps.log.error({ err: error, run_id: runId, run_kind: kind.code }, `${kind.noun} stopped with an error`);
        return undefined;
      });
    } catch (error) {
      if (!(error instanceof ConflictError && elsewhere.has(error.code)) || options.claim) throw error;
      const from = before ?? (await read(runId, workspaceId));
      finished = settles(runId, from, stopWaiting.signal).then(() => undefined);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), options.waitMs)));
    let driven = await Promise.race([finished, timeUp]);
    if (driven && !driven.settled) {
      // The driver let go of a run that goes on without it (it waits for runs of its own): its stream says when it settles.
      const from = await read(runId, workspaceId);
      if (!isSettled(kind.phaseOf(from.state))) driven = await Promise.race([settles(runId, from, stopWaiting.signal).then(() => undefined), timeUp]);
    }
    clearTimeout(timer);
    stopWaiting.abort();
    if (driven?.settled) return driven;
    const after = await read(runId, workspaceId);
    return { settled: isSettled(kind.phaseOf(after.state)), outcome: after.outcome };
  };
};
