import { expect } from 'chai';
import { ConflictError, NotFoundError, type SkillRunEvent } from '@agent-platform/contracts';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { skillRunDecider } from './runDecider.js';

const R = '5f607182-93a4-45bc-9e6f-7a8b9cadbecf';
const S = '1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b';
const V = '2c3d4e5f-6071-4829-8b3c-4d5e6f7a8b9c';
const L1 = '6071829a-a4b5-46cd-8f7a-8b9cadbecfd0';
const L2 = '718293a4-b5c6-47de-9a8b-9cadbecfd0e1';
const NOW = '2026-01-01T00:00:00.000Z';
const LATER = '2026-01-01T00:01:00.000Z';
const spec = deciderSpecification(skillRunDecider);

const queued: SkillRunEvent = {
  type: 'SkillRunQueued',
  data: { run_id: R, skill_id: S, skill_version_id: V, runtime_type: 'template', input_json: { name: 'Lucas' }, auto_execute: false },
};
const leased = (lease_id: string, attempt: number, lease_expires_at = '2026-01-01T00:00:15.000Z'): SkillRunEvent => ({
  type: 'SkillRunLeased',
  data: { run_id: R, worker_key: 'w', lease_id, lease_expires_at, attempt },
});
const lease = (lease_id: string, now = NOW) => ({ type: 'LeaseSkillRun', data: { run_id: R, worker_key: 'w', lease_id, now, lease_ms: 15_000 } }) as const;
const started = (attempt: number): SkillRunEvent => ({ type: 'SkillCallStarted', data: { run_id: R, idempotency_key: `${R}:call`, attempt } });
const complete = (lease_id: string) =>
  ({ type: 'CompleteSkillRun', data: { run_id: R, lease_id, output_json: { text: 'Hello Lucas' }, output_text: 'Hello Lucas', duration_ms: 1 } }) as const;
const completed: SkillRunEvent = { type: 'SkillRunCompleted', data: { run_id: R, output_json: { text: 'Hello Lucas' }, output_text: 'Hello Lucas', duration_ms: 1 } };

describe('skill run decider', () => {
  describe('a new run', () => {
    it('is queued once', () => {
      const queue = { type: 'QueueSkillRun', data: { ...queued.data, workspace_id: 'public' } } as const;
      spec.given([]).when(queue).then([queued]);
      spec.given([queued]).when(queue).thenThrows(ConflictError, 'SKILL_RUN_EXISTS');
    });
    it('cannot be leased when it does not exist', () => spec.given([]).when(lease(L1)).thenThrows(NotFoundError, 'SKILL_RUN_NOT_FOUND'));
  });

  describe('leases', () => {
    it('are taken by the first worker, renewed by it, and refused to another while they live', () => {
      spec.given([queued]).when(lease(L1)).then([leased(L1, 1)]);
      spec.given([queued, leased(L1, 1)]).when(lease(L1)).then([leased(L1, 1)]);
      spec.given([queued, leased(L1, 1)]).when(lease(L2)).thenThrows(ConflictError, 'SKILL_RUN_LEASED');
    });
    it('are taken over once they ran out, as a new attempt', () =>
      spec.given([queued, leased(L1, 1)]).when(lease(L2, LATER)).then([leased(L2, 2, '2026-01-01T00:01:15.000Z')]));
    it('count the leases taken in a row without the run ending', () => {
      const state = [queued, leased(L1, 1), leased(L1, 1), leased(L2, 2)].reduce(
        (s, e) => skillRunDecider.evolve(s, { ...e, metadata: { workspace_id: 'public' } }),
        skillRunDecider.initialState(),
      );
      expect(state).to.include({ stalls: 2, attempts: 2 });
    });
  });

  describe('steps', () => {
    it('are recorded by the holder of the newest lease only', () => {
      spec.given([queued, leased(L1, 1)]).when(complete(L1)).then([completed]);
      spec.given([queued, leased(L1, 1), leased(L2, 2)]).when(complete(L1)).thenThrows(ConflictError, 'SKILL_RUN_LEASE_LOST');
    });
    it('number every start of the run’s call, so a call made again after a takeover says so', () => {
      const start = (lease_id: string) => ({ type: 'StartSkillCall', data: { run_id: R, lease_id, idempotency_key: `${R}:call` } }) as const;
      spec.given([queued, leased(L1, 1)]).when(start(L1)).then([started(1)]);
      spec.given([queued, leased(L1, 1), started(1), leased(L2, 2)]).when(start(L2)).then([started(2)]);
    });
    it('are refused once the run ended', () => {
      spec.given([queued, leased(L1, 1), completed]).when(complete(L1)).thenThrows(ConflictError, 'SKILL_RUN_ENDED');
      spec.given([queued, leased(L1, 1), completed]).when(lease(L2, LATER)).thenThrows(ConflictError, 'SKILL_RUN_ENDED');
      spec
        .given([queued, leased(L1, 1), completed])
        .when({ type: 'FailSkillRun', data: { run_id: R, lease_id: L1, error: { code: 'X', message: 'x' } } })
        .thenThrows(ConflictError, 'SKILL_RUN_ENDED');
    });
  });

  describe('an agent skill’s run', () => {
    const A = '8293a4b5-c6d7-48ef-8b9c-adbecfd0e1f2';
    const delegate = { type: 'DelegateSkillRun', data: { run_id: R, lease_id: L1, agent_run_id: A } } as const;
    const delegated: SkillRunEvent = { type: 'SkillRunDelegated', data: { run_id: R, agent_run_id: A } };
    const ending = { run_id: R, agent_run_id: A, status: 'completed' as const, answer: 'Hi', error: null };
    const ended: SkillRunEvent = { type: 'SkillAgentRunEnded', data: ending };
    const stateOf = (events: SkillRunEvent[]) =>
      events.reduce((s, e) => skillRunDecider.evolve(s, { ...e, metadata: { workspace_id: 'public' } }), skillRunDecider.initialState());

    it('waits for its agent run, holding no lease, so whoever records the agent run’s end can lease it at once', () => {
      spec.given([queued, leased(L1, 1)]).when(delegate).then([delegated]);
      const waiting = stateOf([queued, leased(L1, 1), delegated]);
      expect(waiting).to.include({ status: 'awaiting_agent', agentRunId: A });
      expect(waiting).to.not.have.property('lease');
      spec.given([queued, leased(L1, 1), delegated]).when(lease(L2)).then([leased(L2, 2)]);
    });
    it('records its agent run’s end once, leased or not, and goes on', () => {
      spec.given([queued, leased(L1, 1), delegated]).when({ type: 'RecordSkillAgentRunEnded', data: ending }).then([ended]);
      expect(stateOf([queued, leased(L1, 1), delegated, ended])).to.include({ status: 'running' });
      spec.given([queued, leased(L1, 1), delegated, ended]).when({ type: 'RecordSkillAgentRunEnded', data: ending }).thenThrows(ConflictError, 'SKILL_AGENT_RUN_RECORDED');
      spec.given([queued, leased(L1, 1), completed]).when({ type: 'RecordSkillAgentRunEnded', data: ending }).thenThrows(ConflictError, 'SKILL_RUN_ENDED');
      spec
        .given([queued, leased(L1, 1), delegated])
        .when({ type: 'RecordSkillAgentRunEnded', data: { ...ending, agent_run_id: L2 } })
        .thenThrows(ConflictError, 'SKILL_AGENT_RUN_MISMATCH');
    });
    it('waits for nothing when its agent run ended before it recorded its wait, and keeps its lease', () => {
      const state = stateOf([queued, leased(L1, 1), ended, delegated]);
      expect(state).to.include({ status: 'running', agentRunId: A });
      expect(state).to.have.nested.property('lease.id', L1);
    });
  });

  describe('cancelling', () => {
    const cancel = (workspace_id = 'public') => ({ type: 'CancelSkillRun', data: { run_id: R, workspace_id, reason: 'no longer needed' } }) as const;
    it('ends a run that has not ended, whoever holds it', () =>
      spec.given([queued, leased(L1, 1)]).when(cancel()).then([{ type: 'SkillRunCancelled', data: { run_id: R, reason: 'no longer needed' } }]));
    it('is refused for an ended run, and for another workspace’s', () => {
      spec.given([queued, leased(L1, 1), completed]).when(cancel()).thenThrows(ConflictError, 'SKILL_RUN_ENDED');
      spec.given([queued]).when(cancel('other')).thenThrows(NotFoundError, 'SKILL_RUN_NOT_FOUND');
    });
  });
});
