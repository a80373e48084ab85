import { expect } from 'chai';
import { ConflictError, NotFoundError, type TeamRunEvent } from '@agent-platform/contracts';
import { evolveAll } from '../decider.js';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { openSteps, teamRunDecider } from './runDecider.js';

const R = '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d';
const T = '1b2c3d4e-5f6a-4b7c-9d8e-9f0a1b2c3d4e';
const V = '2c3d4e5f-6a7b-4c8d-8e9f-0a1b2c3d4e5f';
const S = '3d4e5f6a-7b8c-4d9e-9f0a-1b2c3d4e5f60';
const A = '4e5f6a7b-8c9d-4eaf-8a1b-2c3d4e5f6071';
const M1 = '5f6a7b8c-9dae-4fb0-9b2c-3d4e5f607182';
const M2 = '6a7b8c9d-aebf-4a01-8c3d-4e5f60718293';
const L1 = '7b8c9dae-bfa0-4b12-9d4e-5f60718293a4';
const L2 = '8c9daebf-a0b1-4c23-8e5f-60718293a4b5';
const T0 = '2026-12-07T00:00:00.000Z';
const EXPIRES = '2026-12-07T00:01:00.000Z';
const spec = deciderSpecification(teamRunDecider);

const definition = {
  coordination_mode: 'parallel' as const,
  objective: 'Answer well',
  member_refs: [
    { member_key: 'a', agent_id: A, role: 'executor', responsibility: '' },
    { member_key: 'b', agent_id: A, role: 'executor', responsibility: '' },
  ],
  config_json: { max_rounds: 3, failure_policy: 'fail_fast' as const },
};
const queued: TeamRunEvent = {
  type: 'TeamRunQueued',
  data: { team_run_id: R, team_id: T, team_version_id: V, session_id: S, input_text: 'Help', auto_execute: false, dry_run: false, definition },
};
const leased = (lease_id: string, attempt = 1): TeamRunEvent => ({
  type: 'TeamRunLeased',
  data: { team_run_id: R, worker_key: 'w', lease_id, lease_expires_at: EXPIRES, attempt },
});
const prepared: TeamRunEvent = { type: 'TeamRunPrepared', data: { team_run_id: R, dry_run: true } };
const started = (step_no: number, agent_run_id: string, member_key = 'a'): TeamRunEvent => ({
  type: 'TeamMemberStepStarted',
  data: { team_run_id: R, step_no, member_key, agent_id: A, agent_run_id, purpose: 'work', round: 1, input_text: 'Task: Help' },
});
const ended = (step_no: number, agent_run_id: string, status: 'completed' | 'failed' = 'completed'): TeamRunEvent => ({
  type: 'TeamMemberStepEnded',
  data: { team_run_id: R, step_no, agent_run_id, status, output_text: status === 'completed' ? 'done' : null, error: status === 'failed' ? { code: 'X', message: 'x' } : null },
});
const waiting = (open_steps: number[]): TeamRunEvent => ({ type: 'TeamRunWaiting', data: { team_run_id: R, open_steps } });
const lease = (lease_id: string, now = T0) => ({ type: 'LeaseTeamRun', data: { team_run_id: R, worker_key: 'w', lease_id, now, lease_ms: 60_000 } }) as const;
const startStep = (step_no: number, agent_run_id: string, member_key = 'a', lease_id = L1) =>
  ({ type: 'StartTeamMemberStep', data: { team_run_id: R, lease_id, step_no, member_key, agent_run_id, purpose: 'work', round: 1, input_text: 'Task: Help' } }) as const;
const endStep = (agent_run_id: string, status: 'completed' | 'failed' = 'completed') =>
  ({
    type: 'EndTeamMemberStep',
    data: { team_run_id: R, agent_run_id, status, output_text: status === 'completed' ? 'done' : null, error: status === 'failed' ? { code: 'X', message: 'x' } : null },
  }) as const;
const wait = (lease_id = L1) => ({ type: 'WaitForTeamMembers', data: { team_run_id: R, lease_id } }) as const;
const running = [queued, leased(L1), prepared];
const fanOut = [...running, started(1, M1), started(2, M2, 'b')];
const stateOf = (events: TeamRunEvent[]) => evolveAll(teamRunDecider, teamRunDecider.initialState(), events.map((e, i) => ({ ...e, metadata: { workspace_id: 'public' }, stream_version: i + 1 })) as never);

describe('team run decider', () => {
  describe('a team run that does not exist', () => {
    it('is queued with the definition it runs', () =>
      spec.given([]).when({ type: 'QueueTeamRun', data: { ...(queued.data as object), workspace_id: 'public' } as never }).then([queued]));
    it('cannot be leased, cancelled or told of a member', () => {
      spec.given([]).when(lease(L1)).thenThrows(NotFoundError, 'TEAM_RUN_NOT_FOUND');
      spec.given([]).when({ type: 'CancelTeamRun', data: { team_run_id: R, workspace_id: 'public' } }).thenThrows(NotFoundError, 'TEAM_RUN_NOT_FOUND');
      spec.given([]).when(endStep(M1)).thenThrows(NotFoundError, 'TEAM_RUN_NOT_FOUND');
    });
  });

  describe('a queued team run', () => {
    it('is leased, and records once whether it is a dry run', () => {
      spec.given([queued]).when(lease(L1)).then([leased(L1)]);
      spec.given([queued, leased(L1)]).when({ type: 'PrepareTeamRun', data: { team_run_id: R, lease_id: L1, dry_run: true } }).then([prepared]);
      spec.given(running).when({ type: 'PrepareTeamRun', data: { team_run_id: R, lease_id: L1, dry_run: true } }).thenThrows(ConflictError, 'TEAM_RUN_PREPARED');
    });
    it('is refused to a second worker while the lease lives', () => spec.given([queued, leased(L1)]).when(lease(L2)).thenThrows(ConflictError, 'TEAM_RUN_LEASED'));
    it('is not found from another workspace', () =>
      spec.given([queued]).when({ type: 'CancelTeamRun', data: { team_run_id: R, workspace_id: 'other' } }).thenThrows(NotFoundError, 'TEAM_RUN_NOT_FOUND'));
  });

  describe('a leased team run', () => {
    it('records member steps in order, naming each member’s agent', () => {
      spec.given(running).when(startStep(1, M1)).then([started(1, M1)]);
      spec.given(running).when(startStep(2, M1)).thenThrows(ConflictError, 'TEAM_RUN_STEP_OUT_OF_ORDER');
      spec.given(running).when(startStep(1, M1, 'nobody')).thenThrows(NotFoundError, 'TEAM_MEMBER_NOT_FOUND');
    });
    it('refuses the steps of a lease that is no longer the newest', () => spec.given(running).when(startStep(1, M1, 'a', L2)).thenThrows(ConflictError, 'TEAM_RUN_LEASE_LOST'));
    it('waits for its open members, which ends its lease, and has nothing to wait for once they ended', () => {
      spec.given(fanOut).when(wait()).then([waiting([1, 2])]);
      spec.given([...fanOut, ended(1, M1), ended(2, M2)]).when(wait()).then([]);
      const state = stateOf([...fanOut, waiting([1, 2])]);
      expect(state).to.deep.include({ waiting: true });
      expect(state).to.not.have.property('lease');
    });
    it('completes only once no member is open', () => {
      const complete = { type: 'CompleteTeamRun', data: { team_run_id: R, lease_id: L1, answer: 'both done' } } as const;
      spec.given(fanOut).when(complete).thenThrows(ConflictError, 'TEAM_RUN_MEMBERS_OPEN');
      spec.given([...fanOut, ended(1, M1), ended(2, M2)]).when(complete).then([{ type: 'TeamRunCompleted', data: { team_run_id: R, answer: 'both done', session_id: S, dry_run: true } }]);
    });
  });

  describe('a team run waiting for its members', () => {
    const asleep = [...fanOut, waiting([1, 2])];
    it('refuses a lease until its last member ended, then is awake', () => {
      spec.given(asleep).when(lease(L2)).thenThrows(ConflictError, 'TEAM_RUN_WAITING');
      expect(stateOf([...asleep, ended(1, M1)])).to.include({ waiting: true });
      expect(stateOf([...asleep, ended(1, M1), ended(2, M2)])).to.include({ waiting: false, stalls: 0 });
      spec.given([...asleep, ended(1, M1), ended(2, M2)]).when(lease(L2)).then([leased(L2, 2)]);
    });
    it('records a member’s ending once: told again, it records nothing', () => {
      spec.given(asleep).when(endStep(M1)).then([ended(1, M1)]);
      spec.given([...asleep, ended(1, M1)]).when(endStep(M1, 'failed')).then([]);
      spec.given(asleep).when(endStep(L2)).thenThrows(NotFoundError, 'TEAM_MEMBER_STEP_NOT_FOUND');
    });
    it('is awaiting_human while a member waits for a person, and waits for its members again once it resumes', () => {
      const human = { type: 'MarkTeamMemberAwaitingHuman', data: { team_run_id: R, agent_run_id: M1 } } as const;
      const awaiting: TeamRunEvent = { type: 'TeamMemberAwaitingHuman', data: { team_run_id: R, step_no: 1, agent_run_id: M1 } };
      spec.given(asleep).when(human).then([awaiting]);
      spec.given([...asleep, awaiting]).when(human).then([]);
      expect(stateOf([...asleep, awaiting])).to.include({ status: 'awaiting_human', waiting: true });
      const resumed: TeamRunEvent = { type: 'TeamMemberResumed', data: { team_run_id: R, step_no: 1, agent_run_id: M1 } };
      spec.given([...asleep, awaiting]).when({ type: 'MarkTeamMemberResumed', data: { team_run_id: R, agent_run_id: M1 } }).then([resumed]);
      expect(stateOf([...asleep, awaiting, resumed])).to.include({ status: 'running', waiting: true });
      // A member that waits for a person has not ended: the team still waits for it.
      expect(openSteps(stateOf([...asleep, awaiting]) as never).map((s) => s.step_no)).to.deep.equal([1, 2]);
    });
  });

  describe('a team run that ended', () => {
    const cancelled: TeamRunEvent = { type: 'TeamRunCancelled', data: { team_run_id: R, reason: null } };
    it('refuses every step, another cancel, and records no member ending', () => {
      spec.given([...fanOut, cancelled]).when(startStep(3, M1)).thenThrows(ConflictError, 'TEAM_RUN_ENDED');
      spec.given([...fanOut, cancelled]).when(lease(L2)).thenThrows(ConflictError, 'TEAM_RUN_ENDED');
      spec.given([...fanOut, cancelled]).when({ type: 'CancelTeamRun', data: { team_run_id: R, workspace_id: 'public' } }).thenThrows(ConflictError, 'TEAM_RUN_ENDED');
      spec.given([...fanOut, cancelled]).when(endStep(M1)).then([]);
    });
    it('keeps its open members open, for the cancellation to find', () => expect(openSteps(stateOf([...fanOut, cancelled]) as never)).to.have.length(2));
  });
});
