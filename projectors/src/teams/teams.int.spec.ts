import { teamsProjection } from './module.js';
import { describeProjection, SPEC_TIME } from '../testing/projectionSpecification.js';

const TEAM = '12121212-1212-4212-8212-121212121212';
const V1 = '00000000-0000-4000-8000-0000000000c1';
const RUN = '34343434-3434-4434-8434-343434343434';
const SESSION = '56565656-5656-4656-8656-565656565656';
const AGENT = '78787878-7878-4878-8878-787878787878';
const M1 = '9a9a9a9a-9a9a-4a9a-8a9a-9a9a9a9a9a9a';
const M2 = 'bcbcbcbc-bcbc-4cbc-8cbc-bcbcbcbcbcbc';
const LEASE = 'dededede-dede-4ede-8ede-dededededede';
const T1 = '2026-01-01T00:01:00.000Z';
const T2 = '2026-01-01T00:02:00.000Z';
const workspace = { workspace_id: 'ws-1' };
const definition = {
  coordination_mode: 'parallel',
  objective: 'Answer well',
  member_refs: [{ member_key: 'a', agent_id: AGENT, role: 'executor', responsibility: 'All of it' }],
  config_json: { max_rounds: 3, failure_policy: 'continue' },
};
const teamEvent = (type: string, data: Record<string, unknown>, at = SPEC_TIME) => ({ type, data: { team_id: TEAM, ...data }, metadata: workspace, at });
const created = teamEvent('TeamCreated', { code: 'research_team', name: 'Research Team', team_type: 'collaborative', description: null });
const versionCreated = teamEvent('TeamVersionCreated', { version_id: V1, version_no: 1, ...definition });
const runEvent = (type: string, data: Record<string, unknown>, at = SPEC_TIME) => ({ type, data: { team_run_id: RUN, ...data }, metadata: workspace, at });
const queued = runEvent('TeamRunQueued', { team_id: TEAM, team_version_id: V1, session_id: SESSION, input_text: 'Help', auto_execute: false, dry_run: false, definition });
const leased = runEvent('TeamRunLeased', { worker_key: 'w1', lease_id: LEASE, lease_expires_at: T2, attempt: 1 }, T1);
const step = (step_no: number, agent_run_id: string) =>
  runEvent('TeamMemberStepStarted', { step_no, member_key: 'a', agent_id: AGENT, agent_run_id, purpose: 'work', round: 1, input_text: 'Task: Help' }, T1);
const stepEnded = (step_no: number, agent_run_id: string, at = T2) =>
  runEvent('TeamMemberStepEnded', { step_no, agent_run_id, status: 'completed', output_text: `answer ${step_no}`, error: null }, at);
const waiting = runEvent('TeamRunWaiting', { open_steps: [1, 2] }, T1);
const fannedOut = [queued, leased, step(1, M1), step(2, M2), waiting];

describeProjection('teams projection', teamsProjection, (spec) => {
  describe('teams', () => {
    it('lists a created team in its workspace with no version yet', () =>
      spec({
        when: [created],
        then: { table: 'rm_teams', rows: [{ id: TEAM, workspace_id: 'ws-1', code: 'research_team', name: 'Research Team', team_type: 'collaborative', version_count: 0, latest_published_version_id: null }] },
      }));
    it('keeps a version’s mode, objective, members and configuration, as a draft', () =>
      spec({
        given: [created],
        when: [versionCreated],
        then: { table: 'rm_team_versions', rows: [{ id: V1, team_id: TEAM, version_no: 1, status: 'draft', ...definition }] },
      }));
    it('makes a published version the default, and none once it is archived', async () => {
      await spec({
        given: [created, versionCreated],
        when: [teamEvent('TeamVersionPublished', { version_id: V1 }, T1)],
        then: { table: 'rm_teams', rows: [{ id: TEAM, latest_published_version_id: V1, version_count: 1 }] },
      });
      await spec({
        given: [created, versionCreated, teamEvent('TeamVersionPublished', { version_id: V1 }, T1)],
        when: [teamEvent('TeamVersionArchived', { version_id: V1 }, T2)],
        then: [
          { table: 'rm_teams', rows: [{ id: TEAM, latest_published_version_id: null }] },
          { table: 'rm_team_versions', rows: [{ id: V1, status: 'archived', published_time: new Date(T1) }] },
        ],
      });
    });
  });

  describe('team runs', () => {
    it('lists a queued run with its team, version, session, mode and nothing done yet', () =>
      spec({
        when: [queued],
        then: {
          table: 'rm_team_runs',
          rows: [
            {
              id: RUN,
              workspace_id: 'ws-1',
              team_id: TEAM,
              team_version_id: V1,
              session_id: SESSION,
              coordination_mode: 'parallel',
              status: 'queued',
              auto_execute: false,
              dry_run: false,
              steps: 0,
              waiting: false,
              lease_expires_at: null,
              created_time: new Date(SPEC_TIME),
              started_time: null,
            },
          ],
        },
      }));
    it('is running once leased, and a dry run once it started as one', () =>
      spec({
        given: [queued],
        when: [leased, runEvent('TeamRunPrepared', { dry_run: true }, T1)],
        then: { table: 'rm_team_runs', rows: [{ id: RUN, status: 'running', worker_key: 'w1', attempts: 1, lease_expires_at: new Date(T2), started_time: new Date(T1), dry_run: true }] },
      }));
    it('lists each member step as it is decided, and counts them on the run', () =>
      spec({
        given: [queued, leased],
        when: [step(1, M1), step(2, M2)],
        then: [
          { table: 'rm_team_runs', rows: [{ id: RUN, steps: 2 }] },
          {
            table: 'rm_team_run_steps',
            orderBy: ['step_no'],
            rows: [
              { team_run_id: RUN, step_no: 1, agent_run_id: M1, member_key: 'a', purpose: 'work', round: 1, status: 'running', output_text: null, started_time: new Date(T1) },
              { team_run_id: RUN, step_no: 2, agent_run_id: M2, status: 'running' },
            ],
          },
        ],
      }));
    it('holds no lease while it waits for its members', () =>
      spec({ given: [queued, leased, step(1, M1), step(2, M2)], when: [waiting], then: { table: 'rm_team_runs', rows: [{ id: RUN, waiting: true, lease_expires_at: null, status: 'running' }] } }));
    it('keeps each member’s ending, and is awake once the last one ended', async () => {
      await spec({
        given: fannedOut,
        when: [stepEnded(1, M1)],
        then: [
          { table: 'rm_team_runs', rows: [{ id: RUN, waiting: true }] },
          { table: 'rm_team_run_steps', orderBy: ['step_no'], rows: [{ step_no: 1, status: 'completed', output_text: 'answer 1', finished_time: new Date(T2) }, { step_no: 2, status: 'running' }] },
        ],
      });
      await spec({ given: [...fannedOut, stepEnded(1, M1)], when: [stepEnded(2, M2)], then: { table: 'rm_team_runs', rows: [{ id: RUN, waiting: false, status: 'running' }] } });
    });
    it('is awaiting_human while a member waits for a person, and running again once it resumes', async () => {
      const awaiting = runEvent('TeamMemberAwaitingHuman', { step_no: 1, agent_run_id: M1 }, T2);
      await spec({
        given: fannedOut,
        when: [awaiting],
        then: [
          { table: 'rm_team_runs', rows: [{ id: RUN, status: 'awaiting_human' }] },
          { table: 'rm_team_run_steps', orderBy: ['step_no'], rows: [{ step_no: 1, status: 'awaiting_human' }, { step_no: 2, status: 'running' }] },
        ],
      });
      await spec({ given: [...fannedOut, awaiting], when: [runEvent('TeamMemberResumed', { step_no: 1, agent_run_id: M1 }, T2)], then: { table: 'rm_team_runs', rows: [{ id: RUN, status: 'running' }] } });
    });
    it('ends completed with the team’s answer, failed with its error, or cancelled, holding no lease', async () => {
      const done = [...fannedOut, stepEnded(1, M1), stepEnded(2, M2), leased];
      await spec({
        given: done,
        when: [runEvent('TeamRunCompleted', { answer: 'together', session_id: SESSION, dry_run: false }, T2)],
        then: { table: 'rm_team_runs', rows: [{ id: RUN, status: 'completed', output_text: 'together', lease_expires_at: null, finished_time: new Date(T2) }] },
      });
      const error = { code: 'TEAM_MEMBER_FAILED', message: 'member a failed' };
      await spec({ given: done, when: [runEvent('TeamRunFailed', { error }, T2)], then: { table: 'rm_team_runs', rows: [{ id: RUN, status: 'failed', error }] } });
      await spec({ given: fannedOut, when: [runEvent('TeamRunCancelled', { reason: null }, T2)], then: { table: 'rm_team_runs', rows: [{ id: RUN, status: 'cancelled', waiting: false }] } });
    });
  });
});
