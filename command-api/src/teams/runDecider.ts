import {
  ConflictError,
  NotFoundError,
  type RunError,
  type StepStatus,
  type TeamRunCommand,
  type TeamRunEvent,
  type TeamRunStatus,
  type TeamStepStart,
} from '@agent-platform/contracts';
import type { Decider } from '../decider.js';

export type TeamStep = Omit<TeamStepStart, 'team_run_id'> & { status: StepStatus; output_text: string | null; error: RunError | null };
export type TeamRunRequest = Extract<TeamRunEvent, { type: 'TeamRunQueued' }>['data'];

/**
 * A team run's journal: the definition it runs, every member step decided (in order) with how it ended,
 * and whether the run waits for its members. `waiting` ends the lease: a woken run is leased again.
 */
export type TeamRunState =
  | { status: 'none' }
  | {
      status: TeamRunStatus;
      workspaceId: string;
      correlationId: string | undefined;
      request: TeamRunRequest;
      dryRun: boolean;
      prepared: boolean;
      lease?: { id: string; workerKey: string; expiresAt: string };
      attempts: number;
      /** Leases taken in a row without a decision or a member ending recorded. */
      stalls: number;
      /** It waits for member runs (its lease ended); the ending of the last open one wakes it. */
      waiting: boolean;
      steps: TeamStep[];
      answer?: string;
      error?: RunError;
    };
export type ActiveTeamRun = Exclude<TeamRunState, { status: 'none' }>;

const ENDED = new Set<TeamRunStatus>(['completed', 'failed', 'cancelled']);
export const isTeamRunEnded = (state: TeamRunState): boolean => state.status !== 'none' && ENDED.has(state.status);
/** Steps whose member run has not ended: a member waiting for a person is one. */
export const openSteps = (run: ActiveTeamRun): TeamStep[] => run.steps.filter((s) => s.status === 'running' || s.status === 'awaiting_human');

const existing = (state: TeamRunState, id: string): ActiveTeamRun => {
  if (state.status === 'none') throw new NotFoundError('TEAM_RUN_NOT_FOUND', `team run ${id} does not exist`);
  return state;
};
const live = (state: TeamRunState, id: string): ActiveTeamRun => {
  const run = existing(state, id);
  if (ENDED.has(run.status)) throw new ConflictError('TEAM_RUN_ENDED', `team run ${id} is ${run.status}`);
  return run;
};
/** Decisions are recorded only by the holder of the newest lease. */
const heldBy = (state: TeamRunState, id: string, leaseId: string): ActiveTeamRun => {
  const run = live(state, id);
  if (run.lease?.id !== leaseId) throw new ConflictError('TEAM_RUN_LEASE_LOST', `team run ${id} is leased to another worker`);
  return run;
};
const on = (state: TeamRunState, change: (run: ActiveTeamRun) => ActiveTeamRun): TeamRunState => (state.status === 'none' ? state : change(state));
const withStep = (run: ActiveTeamRun, stepNo: number, change: Partial<TeamStep>): ActiveTeamRun => ({
  ...run,
  steps: run.steps.map((s) => (s.step_no === stepNo ? { ...s, ...change } : s)),
});
/** The status a run that has not ended has, from its steps: a member waiting for a person holds the whole team. */
const statusOf = (run: ActiveTeamRun): TeamRunStatus => (run.steps.some((s) => s.status === 'awaiting_human') ? 'awaiting_human' : 'running');
/** Once no member is open, a waiting run is awake again: leased by whoever starts it next. */
const wake = (run: ActiveTeamRun): ActiveTeamRun => (run.waiting && openSteps(run).length === 0 ? { ...run, waiting: false } : run);
const stepOf = (run: ActiveTeamRun, agentRunId: string) => run.steps.find((s) => s.agent_run_id === agentRunId);

export const teamRunDecider: Decider<TeamRunState, TeamRunCommand, TeamRunEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'TeamRunQueued':
        return {
          status: 'queued',
          workspaceId: event.metadata.workspace_id,
          correlationId: event.metadata.correlation_id,
          request: event.data,
          dryRun: event.data.dry_run,
          prepared: false,
          attempts: 0,
          stalls: 0,
          waiting: false,
          steps: [],
        };
      case 'TeamRunLeased':
        return on(state, (run) => ({
          ...run,
          status: statusOf(run),
          attempts: event.data.attempt,
          stalls: event.data.attempt > run.attempts ? run.stalls + 1 : run.stalls,
          lease: { id: event.data.lease_id, workerKey: event.data.worker_key, expiresAt: event.data.lease_expires_at },
        }));
      case 'TeamRunPrepared':
        return on(state, (run) => ({ ...run, prepared: true, dryRun: event.data.dry_run }));
      case 'TeamMemberStepStarted': {
        const { team_run_id: _run, ...step } = event.data;
        return on(state, (run) => ({ ...run, stalls: 0, steps: [...run.steps, { ...step, status: 'running', output_text: null, error: null }] }));
      }
      case 'TeamRunWaiting':
        // Waiting ends the lease, so that whoever wakes the run leases it at once.
        return on(state, ({ lease: _lease, ...run }) => wake({ ...run, waiting: true }));
      case 'TeamMemberStepEnded':
        return on(state, (run) => {
          const { step_no, status, output_text, error } = event.data;
          const ended = withStep({ ...run, stalls: 0 }, step_no, { status, output_text, error });
          return wake({ ...ended, status: ENDED.has(run.status) ? run.status : statusOf(ended) });
        });
      case 'TeamMemberAwaitingHuman':
        return on(state, (run) => ({ ...withStep(run, event.data.step_no, { status: 'awaiting_human' }), status: 'awaiting_human' }));
      case 'TeamMemberResumed':
        return on(state, (run) => {
          const resumed = withStep(run, event.data.step_no, { status: 'running' });
          return { ...resumed, status: statusOf(resumed) };
        });
      case 'TeamRunCompleted':
        return on(state, (run) => ({ ...run, status: 'completed', answer: event.data.answer }));
      case 'TeamRunFailed':
        return on(state, (run) => ({ ...run, status: 'failed', error: event.data.error }));
      case 'TeamRunCancelled':
        return on(state, (run) => ({ ...run, status: 'cancelled' }));
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'QueueTeamRun': {
        if (state.status !== 'none') throw new ConflictError('TEAM_RUN_EXISTS', `team run ${command.data.team_run_id} already exists`);
        const { workspace_id: _workspace, ...data } = command.data;
        return [{ type: 'TeamRunQueued', data }];
      }
      case 'LeaseTeamRun': {
        const { team_run_id, worker_key, lease_id, now, lease_ms } = command.data;
        const run = live(state, team_run_id);
        if (run.waiting) throw new ConflictError('TEAM_RUN_WAITING', `team run ${team_run_id} waits for its members`);
        const renewal = run.lease?.id === lease_id;
        if (!renewal && run.lease && Date.parse(run.lease.expiresAt) > Date.parse(now)) {
          throw new ConflictError('TEAM_RUN_LEASED', `team run ${team_run_id} is leased to ${run.lease.workerKey} until ${run.lease.expiresAt}`);
        }
        const lease_expires_at = new Date(Date.parse(now) + lease_ms).toISOString();
        return [{ type: 'TeamRunLeased', data: { team_run_id, worker_key, lease_id, lease_expires_at, attempt: renewal ? run.attempts : run.attempts + 1 } }];
      }
      case 'PrepareTeamRun': {
        const { team_run_id, lease_id, dry_run } = command.data;
        if (heldBy(state, team_run_id, lease_id).prepared) throw new ConflictError('TEAM_RUN_PREPARED', `team run ${team_run_id} has started already`);
        return [{ type: 'TeamRunPrepared', data: { team_run_id, dry_run } }];
      }
      case 'StartTeamMemberStep': {
        const { lease_id, ...step } = command.data;
        const run = heldBy(state, step.team_run_id, lease_id);
        if (step.step_no !== run.steps.length + 1) {
          throw new ConflictError('TEAM_RUN_STEP_OUT_OF_ORDER', `team run ${step.team_run_id} expects step ${run.steps.length + 1}, not ${step.step_no}`);
        }
        const member = run.request.definition.member_refs.find((m) => m.member_key === step.member_key);
        if (!member) throw new NotFoundError('TEAM_MEMBER_NOT_FOUND', `team run ${step.team_run_id} has no member ${step.member_key}`);
        return [{ type: 'TeamMemberStepStarted', data: { ...step, agent_id: member.agent_id } }];
      }
      case 'WaitForTeamMembers': {
        const { team_run_id, lease_id } = command.data;
        const open = openSteps(heldBy(state, team_run_id, lease_id));
        // Every member ended meanwhile: there is nothing to wait for, and the holder goes on.
        return open.length ? [{ type: 'TeamRunWaiting', data: { team_run_id, open_steps: open.map((s) => s.step_no) } }] : [];
      }
      case 'EndTeamMemberStep': {
        const { team_run_id, agent_run_id, ...ending } = command.data;
        const run = existing(state, team_run_id);
        const step = stepOf(run, agent_run_id);
        if (!step) throw new NotFoundError('TEAM_MEMBER_STEP_NOT_FOUND', `team run ${team_run_id} has no step with agent run ${agent_run_id}`);
        // Told again (a redelivery), or after the team ended: the first ending stands, and an ended team decides nothing more.
        if (ENDED.has(run.status) || !openSteps(run).includes(step)) return [];
        return [{ type: 'TeamMemberStepEnded', data: { team_run_id, step_no: step.step_no, agent_run_id, ...ending } }];
      }
      case 'MarkTeamMemberAwaitingHuman':
      case 'MarkTeamMemberResumed': {
        const { team_run_id, agent_run_id } = command.data;
        const run = existing(state, team_run_id);
        const step = stepOf(run, agent_run_id);
        if (!step) throw new NotFoundError('TEAM_MEMBER_STEP_NOT_FOUND', `team run ${team_run_id} has no step with agent run ${agent_run_id}`);
        const awaiting = command.type === 'MarkTeamMemberAwaitingHuman';
        if (ENDED.has(run.status) || step.status !== (awaiting ? 'running' : 'awaiting_human')) return [];
        const data = { team_run_id, step_no: step.step_no, agent_run_id };
        return [awaiting ? { type: 'TeamMemberAwaitingHuman', data } : { type: 'TeamMemberResumed', data }];
      }
      case 'CompleteTeamRun': {
        const { team_run_id, lease_id, answer } = command.data;
        const run = heldBy(state, team_run_id, lease_id);
        if (openSteps(run).length) throw new ConflictError('TEAM_RUN_MEMBERS_OPEN', `team run ${team_run_id} has member runs that have not ended`);
        return [{ type: 'TeamRunCompleted', data: { team_run_id, answer, session_id: run.request.session_id, dry_run: run.dryRun } }];
      }
      case 'FailTeamRun': {
        const { team_run_id, lease_id, error } = command.data;
        heldBy(state, team_run_id, lease_id);
        return [{ type: 'TeamRunFailed', data: { team_run_id, error } }];
      }
      case 'CancelTeamRun': {
        const { team_run_id, workspace_id, reason } = command.data;
        if (state.status === 'none' || state.workspaceId !== workspace_id) {
          throw new NotFoundError('TEAM_RUN_NOT_FOUND', `team run ${team_run_id} does not exist in this workspace`);
        }
        if (ENDED.has(state.status)) throw new ConflictError('TEAM_RUN_ENDED', `team run ${team_run_id} is already ${state.status}`);
        return [{ type: 'TeamRunCancelled', data: { team_run_id, reason: reason ?? null } }];
      }
    }
  },
};
