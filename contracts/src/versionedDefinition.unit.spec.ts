import { expect } from 'chai';
import { AGENT_DEFINITION } from './agents.js';
import { eventCatalog } from './catalog.js';
import { TOOL_DEFINITION } from './tools.js';
import { versionedDefinition } from './versionedDefinition.js';

describe('versionedDefinition(noun)', () => {
  it('derives every name of a new definition from its noun', () => {
    const skill = versionedDefinition('skill', { article: 'a', retire: { verb: 'Archive', past: 'Archived', status: 'archived', summary: 'Archive a skill version' } });
    expect(skill).to.deep.include({ plural: 'skills', errorPrefix: 'SKILL', idField: 'skill_id', typeField: 'skill_type' });
    expect(skill.commands).to.deep.equal({ create: 'CreateSkill', createVersion: 'CreateSkillVersion', publish: 'PublishSkillVersion', retire: 'ArchiveSkillVersion' });
    expect(skill.events).to.deep.equal({ created: 'SkillCreated', versionCreated: 'SkillVersionCreated', published: 'SkillVersionPublished', retired: 'SkillVersionArchived' });
  });

  it('names, for agents and tools, only events the catalog documents in their category', () => {
    for (const [definition, category] of [[AGENT_DEFINITION, 'agent'], [TOOL_DEFINITION, 'tool']] as const) {
      for (const type of Object.values(definition.events)) {
        expect(eventCatalog.find((c) => c.type === type)?.category, type).to.equal(category);
      }
    }
  });
});
