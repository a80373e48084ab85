import type { DomainEvent, RecordedEvent, RunError } from '@agent-platform/contracts';
import type { Journal, RunStream } from './journal.js';

/**
 * Where a run stands, as the kernel needs to know it: whether there is a run, whether it is over, whether
 * it waits for something from outside that nobody can drive it past (a person's answer; or a time, `until`,
 * after which it is driven again), and, while it is active, how many leases in a row it has taken without
 * recording a step.
 *
 * A run is made to wait by a step that records so; that step must also end its lease (in the decider's
 * `evolve`), so that whoever wakes it can lease it at once. It is woken by a command on its stream that
 * records what it waited for (the state is then active again), followed by a `start`: a processor of the
 * outside event (`runProcessor`) or the sweeper for a time that came.
 */
export type RunPhase =
  | { phase: 'none' }
  | { phase: 'ended'; status: string }
  /** `children`: it waits for runs it started (a team run's members), which end on their own, so a caller of `execute` goes on waiting. */
  | { phase: 'waiting'; until?: string; children?: boolean }
  | { phase: 'active'; stalls: number };

export type StartOptions = {
  workerKey: string;
  leaseMs?: number;
  /** The run's stream as the caller has it (the event it just appended): not read again. A stream that moved since is caught up with at the first step. */
  known?: RecordedEvent[];
};

/** A lease as the kernel asks a run's decider to record it. */
export type Lease = { runId: string; workerKey: string; leaseId: string; now: string; leaseMs: number };

/**
 * A kind of durable run (agent runs; team runs, skill runs, scheduled jobs to come): its stream and decider,
 * the commands the kernel records in its name, and the step function that drives it.
 *
 * The decider must refuse with `<code>_LEASED` a lease while another one holds, and with `<code>_LEASE_LOST`
 * or `<code>_ENDED` any step of a lease that is no longer the newest or of a run that ended: that is how a
 * worker that lost its run finds out.
 */
export type RunKind<S, C, E extends DomainEvent, O, Options = object> = RunStream<S, C, E> & {
  /** The prefix of the run's error codes, `AGENT_RUN`, and its name in messages, `agent run`. */
  code: string;
  noun: string;
  phaseOf: (state: S) => RunPhase;
  lease: (lease: Lease) => C;
  /** Ends a run that keeps being leased and never gets further (its step fails every time, or kills its worker). */
  giveUp: (lease: Lease, error: RunError) => C;
  /**
   * Records the lease, with whatever the run needs before its first step (the agent's plan), in one append.
   * Resolves once decided, with the append that makes it durable still going. Records `lease` alone when left out.
   */
  begin?: (journal: Journal<S, C>, lease: C, options: Options) => Promise<{ durable: Promise<void> }>;
  /**
   * Drives the leased run from wherever its journal stands, until it ends or waits. Every step is looked up
   * in the journal first and replayed when recorded; `signal` aborts when the lease is lost.
   */
  step: (journal: Journal<S, C>, leaseId: string, signal: AbortSignal) => Promise<void>;
  /** Where the run stands, as its callers see it. */
  outcomeOf: (runId: string, state: S, position: number) => O;
};
