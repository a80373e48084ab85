import { ConflictError, NotFoundError, type DomainEvent } from '@agent-platform/contracts';
import type { Decider } from '@agent-platform/command-api/commands';
import type { RunKind } from '../runKind.js';

/**
 * The smallest durable run there is, for the kernel's specs: it ticks `target` times and completes. It may
 * wait once, at tick `waitAt`, for an outside `Wake` or until a time; its decider guards leases as every
 * run's must (`COUNTDOWN_LEASED`, `_LEASE_LOST`, `_ENDED`).
 */
export type CountdownState =
  | { status: 'none' }
  | {
      status: 'queued' | 'running' | 'waiting' | 'completed' | 'failed' | 'cancelled';
      workspaceId: string;
      target: number;
      waitAt: number | null;
      waitMs: number | null;
      ticks: number;
      woken: boolean;
      until?: string;
      lease?: { id: string; expiresAt: string };
      attempts: number;
      stalls: number;
      error?: string;
    };

type Held = { lease_id: string };
export type CountdownCommand =
  | { type: 'Queue'; data: { target: number; waitAt?: number; waitMs?: number } }
  | { type: 'Lease'; data: { lease_id: string; now: string; lease_ms: number } }
  | { type: 'Tick'; data: Held }
  | { type: 'Wait'; data: Held & { until?: string } }
  | { type: 'Wake'; data: Record<string, never> }
  | { type: 'Cancel'; data: Record<string, never> }
  | { type: 'Fail'; data: Held & { error: string } }
  | { type: 'Complete'; data: Held };

export type CountdownEvent =
  | DomainEvent<'Queued', { target: number; waitAt: number | null; waitMs: number | null }>
  | DomainEvent<'Leased', { lease_id: string; expires_at: string; attempt: number }>
  | DomainEvent<'Ticked', Record<string, never>>
  | DomainEvent<'Waited', { until: string | null }>
  | DomainEvent<'Woken', Record<string, never>>
  | DomainEvent<'Cancelled', Record<string, never>>
  | DomainEvent<'Failed', { error: string }>
  | DomainEvent<'Completed', Record<string, never>>;

type Active = Exclude<CountdownState, { status: 'none' }>;
const ENDED = new Set(['completed', 'failed', 'cancelled']);

const live = (state: CountdownState): Active => {
  if (state.status === 'none') throw new NotFoundError('COUNTDOWN_NOT_FOUND', 'no such run');
  if (ENDED.has(state.status)) throw new ConflictError('COUNTDOWN_ENDED', `the run is ${state.status}`);
  return state;
};
const held = (state: CountdownState, leaseId: string): Active => {
  const run = live(state);
  if (run.lease?.id !== leaseId) throw new ConflictError('COUNTDOWN_LEASE_LOST', 'the run is leased to another worker');
  return run;
};
const on = (state: CountdownState, change: (run: Active) => Active): CountdownState => (state.status === 'none' ? state : change(state));

export const countdownDecider: Decider<CountdownState, CountdownCommand, CountdownEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'Queued':
        return { status: 'queued', workspaceId: event.metadata.workspace_id, ...event.data, ticks: 0, woken: false, attempts: 0, stalls: 0 };
      case 'Leased':
        return on(state, (run) => ({
          ...run,
          status: run.status === 'waiting' ? 'waiting' : 'running',
          lease: { id: event.data.lease_id, expiresAt: event.data.expires_at },
          attempts: event.data.attempt,
          stalls: event.data.attempt > run.attempts ? run.stalls + 1 : run.stalls,
        }));
      case 'Ticked':
        return on(state, (run) => ({ ...run, ticks: run.ticks + 1, stalls: 0 }));
      case 'Waited': {
        // Waiting ends the lease: whoever wakes the run leases it at once.
        return on(state, ({ lease: _lease, ...run }) => ({ ...run, status: 'waiting', ...(event.data.until ? { until: event.data.until } : {}) }));
      }
      case 'Woken':
        return on(state, ({ until: _until, ...run }) => ({ ...run, status: 'running', woken: true, stalls: 0 }));
      case 'Cancelled':
        return on(state, (run) => ({ ...run, status: 'cancelled' }));
      case 'Failed':
        return on(state, (run) => ({ ...run, status: 'failed', error: event.data.error }));
      case 'Completed':
        return on(state, (run) => ({ ...run, status: 'completed' }));
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'Queue':
        if (state.status !== 'none') throw new ConflictError('COUNTDOWN_EXISTS', 'the run exists');
        return [{ type: 'Queued', data: { target: command.data.target, waitAt: command.data.waitAt ?? null, waitMs: command.data.waitMs ?? null } }];
      case 'Lease': {
        const run = live(state);
        const renewal = run.lease?.id === command.data.lease_id;
        if (!renewal && run.lease && Date.parse(run.lease.expiresAt) > Date.parse(command.data.now)) throw new ConflictError('COUNTDOWN_LEASED', 'the run is leased');
        const expires_at = new Date(Date.parse(command.data.now) + command.data.lease_ms).toISOString();
        return [{ type: 'Leased', data: { lease_id: command.data.lease_id, expires_at, attempt: renewal ? run.attempts : run.attempts + 1 } }];
      }
      case 'Tick':
        held(state, command.data.lease_id);
        return [{ type: 'Ticked', data: {} }];
      case 'Wait':
        held(state, command.data.lease_id);
        return [{ type: 'Waited', data: { until: command.data.until ?? null } }];
      case 'Wake':
        if (live(state).status !== 'waiting') throw new ConflictError('COUNTDOWN_NOT_WAITING', 'the run does not wait');
        return [{ type: 'Woken', data: {} }];
      case 'Cancel':
        live(state);
        return [{ type: 'Cancelled', data: {} }];
      case 'Fail':
        held(state, command.data.lease_id);
        return [{ type: 'Failed', data: { error: command.data.error } }];
      case 'Complete':
        held(state, command.data.lease_id);
        return [{ type: 'Completed', data: {} }];
    }
  },
};

/** What a spec makes the step do: throw before the tick numbered `throwAt` (every lease), or at a lease's second tick, hold each tick until the lease is lost, or take its time. */
export type Behaviour = { throwAt?: number; tickOncePerLease?: boolean; holdTicks?: boolean; tickDelayMs?: number };

export type CountdownOutcome = { status: string; ticks: number; attempts: number; error: string | null };

export const countdownKind = (behaviour: Behaviour = {}): RunKind<CountdownState, CountdownCommand, CountdownEvent, CountdownOutcome> => ({
  category: 'countdown',
  decider: countdownDecider,
  scopeOf: (state) => (state.status === 'none' ? undefined : { workspaceId: state.workspaceId }),
  code: 'COUNTDOWN',
  noun: 'countdown run',
  phaseOf: (state) => {
    if (state.status === 'none') return { phase: 'none' };
    if (ENDED.has(state.status)) return { phase: 'ended', status: state.status };
    if (state.status === 'waiting') return state.until ? { phase: 'waiting', until: state.until } : { phase: 'waiting' };
    return { phase: 'active', stalls: state.stalls };
  },
  lease: ({ leaseId, now, leaseMs }) => ({ type: 'Lease', data: { lease_id: leaseId, now, lease_ms: leaseMs } }),
  giveUp: ({ leaseId }, error) => ({ type: 'Fail', data: { lease_id: leaseId, error: error.code } }),
  step: async (journal, leaseId, signal) => {
    const run = () => journal.state() as Active;
    let ticked = false;
    // A time waited for has come: the lease holder records the wake-up.
    if (run().status === 'waiting') await journal.record({ type: 'Wake', data: {} });
    while (run().ticks < run().target) {
      if (run().waitAt === run().ticks && !run().woken) {
        const until = run().waitMs === null ? undefined : new Date(Date.now() + run().waitMs!).toISOString();
        await journal.record({ type: 'Wait', data: { lease_id: leaseId, ...(until ? { until } : {}) } });
        return;
      }
      if (behaviour.throwAt === run().ticks || (behaviour.tickOncePerLease && ticked)) throw new Error('the step failed');
      if (behaviour.tickDelayMs) await new Promise((r) => setTimeout(r, behaviour.tickDelayMs));
      if (behaviour.holdTicks) await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
      await journal.record({ type: 'Tick', data: { lease_id: leaseId } });
      ticked = true;
    }
    await journal.record({ type: 'Complete', data: { lease_id: leaseId } });
  },
  outcomeOf: (_runId, state) =>
    state.status === 'none'
      ? { status: 'none', ticks: 0, attempts: 0, error: null }
      : { status: state.status, ticks: state.ticks, attempts: state.attempts, error: state.error ?? null },
});
