import { ConflictError, TEAM_DEFINITION, type TeamCommand, type TeamEvent, type TeamVersionStatus } from '@agent-platform/contracts';
import { definitionLookups, versionedDefinitionDecider, type DefinitionState } from '../versionedDefinition.js';

export type TeamState = DefinitionState<TeamVersionStatus>;

const { existing, versionOf } = definitionLookups<TeamVersionStatus>(TEAM_DEFINITION);

/**
 * The version a new run of the team uses: the one asked for, unless it is archived, or else the newest
 * published one (versions are recorded in version order, so the last published is the newest).
 */
export const runnableTeamVersion = (state: TeamState, teamId: string, workspaceId: string, requested?: string): string => {
  const team = existing(state, teamId, workspaceId);
  if (requested) {
    if (versionOf(team, requested) === 'archived') throw new ConflictError('TEAM_VERSION_ARCHIVED', `team version ${requested} is archived`);
    return requested;
  }
  const published = Object.entries(team.versions).filter(([, status]) => status === 'published');
  const newest = published[published.length - 1];
  if (!newest) throw new ConflictError('TEAM_NOT_PUBLISHED', `team ${teamId} has no published version to run`);
  return newest[0];
};

/** A team and its versions; an archived version runs no more, whether it was a draft or published. */
export const teamDecider = versionedDefinitionDecider<TeamCommand, TeamEvent, TeamVersionStatus>(TEAM_DEFINITION, {
  from: ['draft', 'published'],
  refusal: (versionId) => new ConflictError('TEAM_VERSION_ARCHIVED', `team version ${versionId} is already archived`),
});
