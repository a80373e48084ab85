import { expect } from 'chai';
import { ConflictError, NotFoundError, type SkillEvent } from '@agent-platform/contracts';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { runnableSkillVersion, skillDecider, type SkillState } from './decider.js';

const S = '1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b';
const V1 = '2c3d4e5f-6071-4829-8b3c-4d5e6f7a8b9c';
const V2 = '3d4e5f60-7182-493a-9c4d-5e6f7a8b9cad';
const spec = deciderSpecification(skillDecider);
const definition = {
  runtime_type: 'template' as const,
  parameter_schema_json: { name: { type: 'string' } },
  output_schema_json: {},
  implementation_json: { template: 'Hello $name' },
};
const created: SkillEvent = { type: 'SkillCreated', data: { skill_id: S, code: 'hello_user', name: 'Hello User', skill_type: 'template', description: null } };
const version = (version_id: string, version_no: number): SkillEvent => ({ type: 'SkillVersionCreated', data: { skill_id: S, version_id, version_no, ...definition } });
const published = (version_id: string): SkillEvent => ({ type: 'SkillVersionPublished', data: { skill_id: S, version_id } });
const archived = (version_id: string): SkillEvent => ({ type: 'SkillVersionArchived', data: { skill_id: S, version_id } });
const stateOf = (events: SkillEvent[], workspace_id = 'public'): SkillState =>
  events.reduce((s, e) => skillDecider.evolve(s, { ...e, metadata: { workspace_id } }), skillDecider.initialState());

describe('skill decider', () => {
  it('creates a skill with a free code, and refuses a code taken in the workspace', () => {
    spec
      .given([])
      .when({ type: 'CreateSkill', data: { skill_id: S, workspace_id: 'public', code: 'hello_user', name: 'Hello User', skill_type: 'template' } })
      .then([created]);
    spec
      .given([created])
      .when({ type: 'CreateSkill', data: { skill_id: S, workspace_id: 'public', code: 'hello_user', name: 'Again', skill_type: 'template' } })
      .thenThrows(ConflictError, 'SKILL_CODE_TAKEN');
  });

  it('numbers versions and publishes one asked for as published, with its runtime and schemas', () =>
    spec
      .given([created])
      .when({ type: 'CreateSkillVersion', data: { skill_id: S, version_id: V1, workspace_id: 'public', status: 'published', ...definition } })
      .then([version(V1, 1), published(V1)]));

  it('refuses a version of a skill of another workspace as unknown', () =>
    spec
      .given([created])
      .when({ type: 'CreateSkillVersion', data: { skill_id: S, version_id: V1, workspace_id: 'other', status: 'draft', ...definition } })
      .thenThrows(NotFoundError, 'SKILL_NOT_FOUND'));

  it('archives a draft or a published version, once', () => {
    spec.given([created, version(V1, 1)]).when({ type: 'ArchiveSkillVersion', data: { skill_id: S, version_id: V1, workspace_id: 'public' } }).then([archived(V1)]);
    spec
      .given([created, version(V1, 1), archived(V1)])
      .when({ type: 'ArchiveSkillVersion', data: { skill_id: S, version_id: V1, workspace_id: 'public' } })
      .thenThrows(ConflictError, 'SKILL_VERSION_ARCHIVED');
  });

  describe('the version a run uses', () => {
    it('is the newest published one by version number, whichever was published last, with what it runs', () => {
      const state = stateOf([created, version(V1, 1), version(V2, 2), published(V2), published(V1)]);
      expect(runnableSkillVersion(state, S, 'public')).to.deep.equal({ versionId: V2, version: definition });
    });
    it('is the one asked for, unless it is archived', () => {
      const state = stateOf([created, version(V1, 1), version(V2, 2), archived(V2)]);
      expect(runnableSkillVersion(state, S, 'public', V1).versionId).to.equal(V1);
      expect(() => runnableSkillVersion(state, S, 'public', V2)).to.throw(ConflictError).with.property('code', 'SKILL_VERSION_ARCHIVED');
    });
    it('does not exist when nothing is published, when the version is unknown, or in another workspace', () => {
      const state = stateOf([created, version(V1, 1)]);
      expect(() => runnableSkillVersion(state, S, 'public')).to.throw(ConflictError).with.property('code', 'SKILL_NOT_PUBLISHED');
      expect(() => runnableSkillVersion(state, S, 'public', V2)).to.throw(NotFoundError).with.property('code', 'SKILL_VERSION_NOT_FOUND');
      expect(() => runnableSkillVersion(state, S, 'other', V1)).to.throw(NotFoundError).with.property('code', 'SKILL_NOT_FOUND');
    });
  });
});
