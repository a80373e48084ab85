import { TEAM_DEFINITION, TeamCreated, TeamVersionArchived, TeamVersionCreated, TeamVersionPublished } from '@agent-platform/contracts';
import { versionedDefinitionProjector } from '../versionedDefinition.js';

export const teamsProjector = versionedDefinitionProjector(TEAM_DEFINITION, {
  created: TeamCreated,
  versionCreated: TeamVersionCreated,
  versionColumns: (d) => ({
    coordination_mode: d.coordination_mode,
    objective: d.objective,
    member_refs: JSON.stringify(d.member_refs),
    config_json: JSON.stringify(d.config_json),
  }),
  published: TeamVersionPublished,
  retired: TeamVersionArchived,
});
