import { SKILL_DEFINITION, SkillCreated, SkillVersionArchived, SkillVersionCreated, SkillVersionPublished } from '@agent-platform/contracts';
import { versionedDefinitionProjector } from '../versionedDefinition.js';

export const skillsProjector = versionedDefinitionProjector(SKILL_DEFINITION, {
  created: SkillCreated,
  versionCreated: SkillVersionCreated,
  versionColumns: (d) => ({
    runtime_type: d.runtime_type,
    parameter_schema_json: JSON.stringify(d.parameter_schema_json),
    output_schema_json: JSON.stringify(d.output_schema_json),
    implementation_json: JSON.stringify(d.implementation_json),
  }),
  published: SkillVersionPublished,
  retired: SkillVersionArchived,
});
