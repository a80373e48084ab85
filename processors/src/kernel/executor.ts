import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, type DomainEvent } from '@agent-platform/contracts';
import type { EventStore, Logger } from '@agent-platform/infra';
import { openJournal, type Journal } from './journal.js';
import { executeWith, isSettled, type ExecuteOptions, type Executed } from './execute.js';
import type { Lease, RunKind, RunPhase, StartOptions } from './runKind.js';

/** A time waited for has come. */
const due = (until: string | undefined): boolean => until !== undefined && Date.parse(until) <= Date.now();
const drivable = (phase: RunPhase): boolean => phase.phase === 'active' || (phase.phase === 'waiting' && due(phase.until));

export type KernelDeps = {
  store: EventStore;
  log: Logger;
  /** How long a lease lasts; its holder renews it every third of that while it works, so a dead holder's run is resumed this long after. */
  leaseMs: number;
  /** How many leases in a row a run may take without recording a step before the kernel ends it (`<code>_ATTEMPTS_EXHAUSTED`). */
  maxAttempts: number;
};

/** Runs of one kind, driven in this process: the command side's executor port, implemented once for every kind. */
export type RunKernel<O, Options> = {
  /** Resolves once the run is leased to the caller (or throws `<code>_LEASED`, `_ENDED`, `_WAITING`, `_NOT_FOUND`), with `done`, which settles when the run ends, waits, or the lease is lost. */
  start: (runId: string, options: StartOptions & Options) => Promise<{ done: Promise<O> }>;
  /** `start`, then wait (bounded) for the run to settle, in the caller's workspace: what `POST …/runs/:id/execute` does. */
  execute: (runId: string, workspaceId: string, options: StartOptions & Options & ExecuteOptions) => Promise<Executed<O>>;
  /** The workspace of a run this process drives now and knew from its start, so a caller can join it without reading it. */
  drivenHere: (runId: string) => { workspaceId: string } | undefined;
  /** Shutting down: stops every run this process works on; their leases run out and another process resumes them. */
  stop: () => Promise<void>;
};

/**
 * A run this process drives: `leased` settles once the lease is its (or refused), `done` when the run ends
 * or waits; `workspaceId` when the start knew the run's events.
 */
type Driving<O> = { leased: Promise<void>; settlement: Promise<Executed<O>>; done: Promise<O>; abort: AbortController; workspaceId?: string };

/**
 * The durable-run kernel: leases a run and drives it with its kind's step function, renewing the lease
 * while it works. A worker that dies stops renewing; once the lease runs out, any worker's `start` (a
 * redelivery, the sweeper, an HTTP execute) takes the run over and resumes it from its journal. A run
 * that was leased `maxAttempts` times in a row without recording a step is ended instead of leased again:
 * its step fails every time (or kills its worker), and taking it again would go on for ever.
 */
export const createRunKernel = <S, C, E extends DomainEvent, O, Options = object>(
  kind: RunKind<S, C, E, O, Options>,
  deps: KernelDeps,
): RunKernel<O, Options> => {
  const byRun = new Map<string, Driving<O>>();
  const code = (suffix: string) => `${kind.code}_${suffix}`;
  /** Codes that mean "someone else has this run now" (a newer lease, a cancel): the worker lets go quietly. */
  const letGo = new Set([code('LEASE_LOST'), code('ENDED')]);

  const begin = (journal: Journal<S, C>, lease: C, options: Options) =>
    kind.begin ? kind.begin(journal, lease, options) : Promise.resolve({ durable: journal.record(lease) });

  const drive = (runId: string, options: StartOptions & Options): Driving<O> => {
    const abort = new AbortController();
    const planned = (async () => {
      const journal = await openJournal(deps.store, kind, runId, options.known);
      const state = journal.state();
      const phase = kind.phaseOf(state);
      const scope = kind.scopeOf(state);
      if (phase.phase === 'none' || !scope) throw new NotFoundError(code('NOT_FOUND'), `${kind.noun} ${runId} does not exist`);
      if (phase.phase === 'ended') throw new ConflictError(code('ENDED'), `${kind.noun} ${runId} is ${phase.status}`);
      if (phase.phase === 'waiting' && !due(phase.until)) {
        throw new ConflictError(code('WAITING'), `${kind.noun} ${runId} waits ${phase.until ? `until ${phase.until}` : 'for an outside event'}`);
      }
      const stalls = phase.phase === 'active' ? phase.stalls : 0;
      const leaseMs = options.leaseMs ?? deps.leaseMs;
      const leaseId = randomUUID();
      const leaseOf = (): Lease => ({ runId, workerKey: options.workerKey, leaseId, now: new Date().toISOString(), leaseMs });
      const log = deps.log.child({ run_id: runId, run_kind: kind.code, workspace_id: scope.workspaceId, correlation_id: scope.correlationId, worker_key: options.workerKey });
      if (stalls >= deps.maxAttempts) {
        log.error({ attempts: stalls }, `${kind.noun} leased ${stalls} times in a row without getting further; ending it`);
        journal.defer(kind.lease(leaseOf()));
        const error = {
          code: code('ATTEMPTS_EXHAUSTED'),
          message: `the ${kind.noun} was leased ${stalls} times in a row without recording a step (AGENT_PLATFORM_RUN_MAX_ATTEMPTS is ${deps.maxAttempts})`,
        };
        return { journal, leaseId, leaseMs, leaseOf, log, durable: journal.record(kind.giveUp(leaseOf(), error)), drive: false };
      }
      const { durable } = await begin(journal, kind.lease(leaseOf()), options);
      // A lease that does not become durable (another worker's came first) stops what already started.
      durable.catch((error: unknown) => abort.abort(error));
      return { journal, leaseId, leaseMs, leaseOf, log, durable, drive: true };
    })();
    const leased = planned.then(({ durable }) => durable);

    // The run starts once its lease is decided: its first step without effects overlaps the lease's
    // append, and its first step with an effect is appended after it.
    const settlement = planned.then(async ({ journal, leaseId, leaseMs, leaseOf, log, durable, drive }): Promise<Executed<O>> => {
      const heartbeat = setInterval(() => {
        journal.record(kind.lease(leaseOf())).catch((error: unknown) => {
          // Lost the run (cancelled, or taken over after a stall): stop the calls in flight.
          log.info({ err: error }, 'lease renewal refused; letting the run go');
          abort.abort(error);
        });
      }, Math.max(50, Math.floor(leaseMs / 3)));
      heartbeat.unref();
      let lost = false;
      try {
        if (drive && drivable(kind.phaseOf(journal.state()))) await kind.step(journal, leaseId, abort.signal);
      } catch (error) {
        if (error instanceof ConflictError && letGo.has(error.code)) {
          log.info({ code: error.code }, `${kind.noun} taken over or ended elsewhere`);
          lost = true;
        } else if (!abort.signal.aborted) {
          throw error;
        }
      } finally {
        clearInterval(heartbeat);
      }
      // A run whose lease never became durable was never this worker's: `done` says so, not a state it never recorded.
      await durable;
      // Another writer moved a run that was lost (a cancel, a takeover): where it stands is in its stream, not in this journal.
      const last = lost ? await openJournal(deps.store, kind, runId) : journal;
      return { settled: isSettled(kind.phaseOf(last.state())), outcome: kind.outcomeOf(runId, last.state(), last.position()) };
    });
    const done = settlement.then(({ outcome }) => outcome);
    const workspaceId = options.known?.[0]?.metadata.workspace_id;
    return { leased, settlement, done, abort, ...(workspaceId ? { workspaceId } : {}) };
  };

  /**
   * A run this process drives already is joined, not leased again: one driver per run. It is known from
   * the first moment, so a second start (the processor's, after the eager one) reads nothing.
   */
  const join = async (runId: string, options: StartOptions & Options): Promise<Driving<O>> => {
    let driving = byRun.get(runId);
    if (!driving) {
      const started = drive(runId, options);
      driving = started;
      byRun.set(runId, started);
      const forget = () => {
        if (byRun.get(runId) === started) byRun.delete(runId);
      };
      started.done.then(forget, forget);
    }
    await driving.leased;
    return driving;
  };
  const drivenHere = (runId: string) => {
    const workspaceId = byRun.get(runId)?.workspaceId;
    return workspaceId ? { workspaceId } : undefined;
  };

  return {
    start: async (runId, options) => ({ done: (await join(runId, options)).done }),
    execute: executeWith({
      kind,
      store: deps.store,
      log: deps.log,
      drive: async (runId, options) => ({ done: (await join(runId, options)).settlement }),
      drivenHere,
    }),
    drivenHere,
    stop: async () => {
      const driving = [...byRun.values()];
      for (const { abort } of driving) abort.abort(new Error('the process is stopping'));
      await Promise.allSettled(driving.map((d) => d.done));
    },
  };
};
