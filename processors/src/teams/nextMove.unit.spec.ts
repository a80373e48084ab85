import { expect } from 'chai';
import type { TeamRunEvent, TeamVersionDefinition } from '@agent-platform/contracts';
import { evolveAll, type ActiveTeamRun } from '@agent-platform/command-api/commands';
import { teamRunDecider } from '@agent-platform/command-api/commands';
import { nextMove } from './nextMove.js';
import type { Move } from './moves.js';

const R = 'b1c2d3e4-f5a6-4b78-8da4-b5c6d7e8f901';
const A = 'c2d3e4f5-a6b7-4c89-9eb5-c6d7e8f90a12';
const member = (member_key: string, role = 'executor') => ({ member_key, agent_id: A, role, responsibility: `${member_key}'s part` });
type Step = { key: string; purpose?: 'work' | 'plan' | 'review' | 'merge' | 'turn'; round?: number; status?: 'running' | 'completed' | 'failed'; output?: string };

/** A team run of `definition` whose journal holds these steps, each ended as given (completed by default). */
const runOf = (definition: Partial<TeamVersionDefinition>, steps: Step[] = [], dryRun = false): ActiveTeamRun => {
  const full: TeamVersionDefinition = {
    coordination_mode: 'sequential',
    objective: '',
    member_refs: [member('a'), member('b')],
    config_json: { max_rounds: 3, failure_policy: 'fail_fast' },
    ...definition,
  };
  const events: TeamRunEvent[] = [
    { type: 'TeamRunQueued', data: { team_run_id: R, team_id: A, team_version_id: A, session_id: A, input_text: 'the task', auto_execute: false, dry_run: dryRun, definition: full } },
    { type: 'TeamRunLeased', data: { team_run_id: R, worker_key: 'w', lease_id: A, lease_expires_at: '2030-01-01T00:00:00.000Z', attempt: 1 } },
    { type: 'TeamRunPrepared', data: { team_run_id: R, dry_run: dryRun } },
  ];
  steps.forEach((s, i) => {
    const agent_run_id = `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
    events.push({ type: 'TeamMemberStepStarted', data: { team_run_id: R, step_no: i + 1, member_key: s.key, agent_id: A, agent_run_id, purpose: s.purpose ?? 'work', round: s.round ?? 1, input_text: '' } });
    if (s.status === 'running') return;
    const failed = s.status === 'failed';
    events.push({
      type: 'TeamMemberStepEnded',
      data: { team_run_id: R, step_no: i + 1, agent_run_id, status: failed ? 'failed' : 'completed', output_text: failed ? null : (s.output ?? `${s.key} says`), error: failed ? { code: 'BOOM', message: 'boom' } : null },
    });
  });
  return evolveAll(teamRunDecider, teamRunDecider.initialState(), events.map((e) => ({ ...e, metadata: { workspace_id: 'ws' } })) as never) as ActiveTeamRun;
};
/** The members a move starts, as `key:purpose`. */
const started = (move: Move) => (move.type === 'start' ? move.steps.map((s) => `${s.member_key}:${s.purpose}`) : move.type);
const inputOf = (move: Move, index = 0) => (move.type === 'start' ? move.steps[index]!.input_text : '');

describe('the orchestrator’s next move', () => {
  describe('in every mode', () => {
    it('waits while a member run is open', () => expect(nextMove(runOf({ coordination_mode: 'parallel' }, [{ key: 'a' }, { key: 'b', status: 'running' }]))).to.deep.equal({ type: 'wait' }));
    it('fails the run when a member failed under fail_fast', () => {
      const move = nextMove(runOf({ coordination_mode: 'sequential' }, [{ key: 'a', status: 'failed' }]));
      expect(move).to.deep.include({ type: 'fail' });
      expect(move.type === 'fail' && move.error.code).to.equal('TEAM_MEMBER_FAILED');
    });
  });

  describe('sequential', () => {
    it('starts the first member on the task, then each next with the previous output, and answers with the last', () => {
      expect(started(nextMove(runOf({})))).to.deep.equal(['a:work']);
      const second = nextMove(runOf({}, [{ key: 'a', output: 'first draft' }]));
      expect(started(second)).to.deep.equal(['b:work']);
      expect(inputOf(second)).to.contain('Task: the task').and.contain('The previous member (a) answered:\nfirst draft');
      expect(nextMove(runOf({}, [{ key: 'a' }, { key: 'b', output: 'final' }]))).to.deep.equal({ type: 'complete', answer: 'final' });
    });
    it('under continue, gives the next member the last output there is, and fails only when nobody answered', () => {
      const config = { max_rounds: 3, failure_policy: 'continue' as const };
      expect(inputOf(nextMove(runOf({ config_json: config }, [{ key: 'a', status: 'failed' }])))).to.not.contain('previous member');
      expect(nextMove(runOf({ config_json: config }, [{ key: 'a', output: 'mine' }, { key: 'b', status: 'failed' }]))).to.deep.equal({ type: 'complete', answer: 'mine' });
      expect(nextMove(runOf({ config_json: config }, [{ key: 'a', status: 'failed' }, { key: 'b', status: 'failed' }]))).to.deep.include({ type: 'fail' });
    });
  });

  describe('parallel', () => {
    const team = { coordination_mode: 'parallel' as const, member_refs: [member('lead', 'supervisor'), member('x'), member('y')] };
    it('fans out to every member but the supervisor, then has the supervisor merge', () => {
      expect(started(nextMove(runOf(team)))).to.deep.equal(['x:work', 'y:work']);
      const merge = nextMove(runOf(team, [{ key: 'x', output: 'X' }, { key: 'y', output: 'Y' }]));
      expect(started(merge)).to.deep.equal(['lead:merge']);
      expect(inputOf(merge)).to.contain('[x]\nX').and.contain('[y]\nY');
      expect(nextMove(runOf(team, [{ key: 'x' }, { key: 'y' }, { key: 'lead', purpose: 'merge', output: 'merged' }]))).to.deep.equal({ type: 'complete', answer: 'merged' });
    });
    it('concatenates when asked, or when no member is a supervisor', () => {
      const concat = { ...team, config_json: { max_rounds: 3, failure_policy: 'fail_fast' as const, merge_strategy: 'concatenate' as const } };
      expect(started(nextMove(runOf(concat)))).to.deep.equal(['lead:work', 'x:work', 'y:work']);
      expect(nextMove(runOf({ coordination_mode: 'parallel' }, [{ key: 'a', output: 'A' }, { key: 'b', output: 'B' }]))).to.deep.equal({ type: 'complete', answer: '[a]\nA\n\n[b]\nB' });
    });
    it('under continue, merges what answered and concatenates when the merge failed', () => {
      const lenient = { ...team, config_json: { max_rounds: 3, failure_policy: 'continue' as const } };
      expect(inputOf(nextMove(runOf(lenient, [{ key: 'x', status: 'failed' }, { key: 'y', output: 'Y' }])))).to.not.contain('[x]');
      expect(nextMove(runOf(lenient, [{ key: 'x', output: 'X' }, { key: 'y', status: 'failed' }, { key: 'lead', purpose: 'merge', status: 'failed' }]))).to.deep.equal({
        type: 'complete',
        answer: '[x]\nX',
      });
    });
  });

  describe('supervisor', () => {
    const team = { coordination_mode: 'supervisor' as const, member_refs: [member('lead', 'supervisor'), member('x'), member('y')] };
    const plan = (output: string): Step => ({ key: 'lead', purpose: 'plan', output });
    it('starts with the supervisor’s plan, asking for JSON assignments', () => {
      const move = nextMove(runOf(team));
      expect(started(move)).to.deep.equal(['lead:plan']);
      expect(inputOf(move)).to.contain('"assignments"').and.contain('- x (executor)');
    });
    it('gives the members the tasks the plan assigns, leaving out unknown members and the supervisor', () => {
      const move = nextMove(runOf(team, [plan('{"assignments":[{"member_key":"y","task":"dig"},{"member_key":"nobody","task":"?"},{"member_key":"lead","task":"me"}]}')]));
      expect(started(move)).to.deep.equal(['y:work']);
      expect(inputOf(move)).to.contain('Your assignment: dig');
    });
    it('gives every other member the task when the plan has no valid assignment, and always in a dry run', () => {
      expect(started(nextMove(runOf(team, [plan('I will think about it')])))).to.deep.equal(['x:work', 'y:work']);
      expect(started(nextMove(runOf(team, [plan('{"assignments":[{"member_key":"y","task":"dig"}]}')], true)))).to.deep.equal(['x:work', 'y:work']);
    });
    it('has the supervisor review the work, then answers with its final answer', () => {
      const worked: Step[] = [plan('{}'), { key: 'x', output: 'found X' }];
      const review = nextMove(runOf(team, worked));
      expect(started(review)).to.deep.equal(['lead:review']);
      expect(inputOf(review)).to.contain('[x]\nfound X');
      expect(nextMove(runOf(team, [...worked, { key: 'lead', purpose: 'review', output: '```json\n{"final_answer":"X it is"}\n```' }]))).to.deep.equal({ type: 'complete', answer: 'X it is' });
    });
    it('runs another round on new assignments, up to max_rounds reviews, then takes the review as the answer', () => {
      const again = '{"assignments":[{"member_key":"x","task":"check"}]}';
      const round1: Step[] = [plan('{}'), { key: 'x' }, { key: 'y' }, { key: 'lead', purpose: 'review', output: again }];
      const move = nextMove(runOf(team, round1));
      expect(started(move)).to.deep.equal(['x:work']);
      expect(move.type === 'start' && move.steps[0]!.round).to.equal(2);
      const limited = { ...team, config_json: { max_rounds: 2, failure_policy: 'fail_fast' as const } };
      const round2: Step[] = [...round1, { key: 'x', round: 2 }, { key: 'lead', purpose: 'review', round: 2, output: again }];
      expect(nextMove(runOf(limited, round2))).to.deep.equal({ type: 'complete', answer: again });
    });
    it('fails when the supervisor fails, whatever the failure policy', () => {
      const lenient = { ...team, config_json: { max_rounds: 3, failure_policy: 'continue' as const } };
      const move = nextMove(runOf(lenient, [{ key: 'lead', purpose: 'plan', status: 'failed' }]));
      expect(move.type === 'fail' && move.error.code).to.equal('TEAM_SUPERVISOR_FAILED');
    });
  });

  describe('round_robin', () => {
    const team = { coordination_mode: 'round_robin' as const, config_json: { max_rounds: 2, failure_policy: 'fail_fast' as const } };
    it('gives members turns in order on the shared transcript', () => {
      expect(started(nextMove(runOf(team)))).to.deep.equal(['a:turn']);
      const move = nextMove(runOf(team, [{ key: 'a', purpose: 'turn', output: 'hello' }]));
      expect(started(move)).to.deep.equal(['b:turn']);
      expect(inputOf(move)).to.contain('[a]\nhello').and.contain('FINAL ANSWER:');
      expect(started(nextMove(runOf(team, [{ key: 'a', purpose: 'turn' }, { key: 'b', purpose: 'turn' }])))).to.deep.equal(['a:turn']);
    });
    it('ends when a member answers with the finish marker', () =>
      expect(nextMove(runOf(team, [{ key: 'a', purpose: 'turn' }, { key: 'b', purpose: 'turn', output: 'So: final answer: 42' }]))).to.deep.equal({ type: 'complete', answer: '42' }));
    it('ends with the last answer once the rounds ran out, and after one round in a dry run', () => {
      const turns: Step[] = ['a', 'b', 'a', 'b'].map((key, i) => ({ key, purpose: 'turn', output: `turn ${i + 1}` }));
      expect(nextMove(runOf(team, turns))).to.deep.equal({ type: 'complete', answer: 'turn 4' });
      expect(nextMove(runOf(team, turns.slice(0, 2), true))).to.deep.equal({ type: 'complete', answer: 'turn 2' });
    });
  });
});
