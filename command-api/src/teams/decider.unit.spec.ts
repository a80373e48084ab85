import { expect } from 'chai';
import { ConflictError, NotFoundError, type TeamEvent, type TeamVersionDefinition } from '@agent-platform/contracts';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { runnableTeamVersion, teamDecider } from './decider.js';

const T = '9daebfa0-b1c2-4d34-8f60-718293a4b5c6';
const A = 'aebfa0b1-c2d3-4e45-9a71-8293a4b5c6d7';
const V1 = 'bfa0b1c2-d3e4-4f56-8b82-93a4b5c6d7e8';
const V2 = 'a0b1c2d3-e4f5-4a67-9c93-a4b5c6d7e8f9';
const spec = deciderSpecification(teamDecider);
const definition: TeamVersionDefinition = {
  coordination_mode: 'supervisor',
  objective: 'Research and summarize complex questions',
  member_refs: [{ member_key: 'lead', agent_id: A, role: 'supervisor', responsibility: 'Plan and assign work' }],
  config_json: { max_rounds: 3, failure_policy: 'fail_fast' },
};
const created: TeamEvent = { type: 'TeamCreated', data: { team_id: T, code: 'research_team', name: 'Research Team', team_type: 'collaborative', description: null } };
const version = (version_id: string, version_no: number): TeamEvent => ({ type: 'TeamVersionCreated', data: { ...definition, team_id: T, version_id, version_no } });
const published = (version_id: string): TeamEvent => ({ type: 'TeamVersionPublished', data: { team_id: T, version_id } });
const archived = (version_id: string): TeamEvent => ({ type: 'TeamVersionArchived', data: { team_id: T, version_id } });
const newVersion = (version_id: string, status: 'draft' | 'published' = 'draft', workspace_id = 'public') =>
  ({ type: 'CreateTeamVersion', data: { ...definition, team_id: T, version_id, workspace_id, status } }) as const;
const fold = (events: TeamEvent[]) => events.reduce((s, e) => teamDecider.evolve(s, { ...e, metadata: { workspace_id: 'public' } }), teamDecider.initialState());

describe('team decider', () => {
  it('creates a team with a free code, and refuses a taken one', () => {
    const create = { type: 'CreateTeam', data: { team_id: T, workspace_id: 'public', code: 'research_team', name: 'Research Team', team_type: 'collaborative' } } as const;
    spec.given([]).when(create).then([created]);
    spec.given([created]).when(create).thenThrows(ConflictError, 'TEAM_CODE_TAKEN');
  });
  it('numbers versions from 1, published when asked, and only for a team of the workspace', () => {
    spec.given([created]).when(newVersion(V1, 'published')).then([version(V1, 1), published(V1)]);
    spec.given([created, version(V1, 1)]).when(newVersion(V2)).then([version(V2, 2)]);
    spec.given([created]).when(newVersion(V1, 'draft', 'other')).thenThrows(NotFoundError, 'TEAM_NOT_FOUND');
  });
  it('archives a version once', () => {
    const archive = { type: 'ArchiveTeamVersion', data: { team_id: T, version_id: V1, workspace_id: 'public' } } as const;
    spec.given([created, version(V1, 1)]).when(archive).then([archived(V1)]);
    spec.given([created, version(V1, 1), archived(V1)]).when(archive).thenThrows(ConflictError, 'TEAM_VERSION_ARCHIVED');
  });
});

describe('the team version a run uses', () => {
  it('is the newest published one when none is asked for, else the one asked for unless archived', () => {
    expect(runnableTeamVersion(fold([created, version(V1, 1), published(V1), version(V2, 2), published(V2)]), T, 'public')).to.equal(V2);
    expect(runnableTeamVersion(fold([created, version(V1, 1), version(V2, 2)]), T, 'public', V1)).to.equal(V1);
    expect(() => runnableTeamVersion(fold([created, version(V1, 1), archived(V1)]), T, 'public', V1)).to.throw(ConflictError);
  });
  it('does not exist without a published version, or in another workspace', () => {
    expect(() => runnableTeamVersion(fold([created, version(V1, 1)]), T, 'public')).to.throw(ConflictError);
    expect(() => runnableTeamVersion(fold([created]), T, 'other')).to.throw(NotFoundError);
  });
});
