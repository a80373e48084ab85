import { z } from 'zod';
import { defineCommand } from './commands.js';
import { defineDomain } from './domain.js';
import { defineEvent, type EventOf } from './events.js';
import { TeamVersionDefinition as VersionDefinition } from './teamDefinition.js';
import { teamRunEvents } from './team-runs.js';
import { versionedDefinition } from './versionedDefinition.js';

export const TEAMS_CATEGORY = 'team';

const Code = z.string().min(1).max(100).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits and _ . - only');
export const TeamVersionStatus = z.enum(['draft', 'published', 'archived']);
export type TeamVersionStatus = z.infer<typeof TeamVersionStatus>;

export const CreateTeamBody = z.object({
  code: Code,
  name: z.string().min(1).max(200),
  team_type: z.string().min(1).max(100).default('collaborative'),
  description: z.string().max(10_000).optional(),
});
export const CreateTeamVersionBody = VersionDefinition.extend({
  team_id: z.string().uuid().toLowerCase(),
  status: TeamVersionStatus.default('draft'),
});
export type CreateTeamBody = z.infer<typeof CreateTeamBody>;
export type CreateTeamVersionBody = z.infer<typeof CreateTeamVersionBody>;

const VersionTransition = z.object({ team_id: z.string(), version_id: z.string(), workspace_id: z.string() });
export const TeamCommand = z.discriminatedUnion('type', [
  defineCommand('CreateTeam', CreateTeamBody.extend({ team_id: z.string(), workspace_id: z.string() })),
  defineCommand('CreateTeamVersion', CreateTeamVersionBody.extend({ version_id: z.string(), workspace_id: z.string() })),
  defineCommand('PublishTeamVersion', VersionTransition),
  defineCommand('ArchiveTeamVersion', VersionTransition),
]);
export type TeamCommand = z.infer<typeof TeamCommand>;

export const TeamCreated = defineEvent(
  'TeamCreated',
  z.object({ team_id: z.string().uuid(), code: z.string(), name: z.string(), team_type: z.string(), description: z.string().nullable() }),
  { category: TEAMS_CATEGORY, description: 'A team was defined; its code is unique in the workspace.' },
);
export const TeamVersionCreated = defineEvent(
  'TeamVersionCreated',
  VersionDefinition.extend({ team_id: z.string().uuid(), version_id: z.string().uuid(), version_no: z.number().int().positive() }),
  { category: TEAMS_CATEGORY, description: 'A draft version of a team: its coordination mode, objective, members (agents of the workspace) and configuration.' },
);
export const TeamVersionPublished = defineEvent(
  'TeamVersionPublished',
  z.object({ team_id: z.string().uuid(), version_id: z.string().uuid() }),
  { category: TEAMS_CATEGORY, description: 'A team version became runnable; runs without a version use the newest published one.' },
);
export const TeamVersionArchived = defineEvent(
  'TeamVersionArchived',
  z.object({ team_id: z.string().uuid(), version_id: z.string().uuid() }),
  { category: TEAMS_CATEGORY, description: 'A team version was retired; no new run uses it.' },
);
export const teamEvents = [TeamCreated, TeamVersionCreated, TeamVersionPublished, TeamVersionArchived] as const;
export type TeamEvent = EventOf<(typeof teamEvents)[number]>;

export const TeamView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  code: z.string(),
  name: z.string(),
  team_type: z.string(),
  description: z.string().nullable(),
  latest_published_version_id: z.string().uuid().nullable(),
  version_count: z.number().int(),
  created_time: z.string(),
  updated_time: z.string(),
});
export const TeamVersionView = VersionDefinition.extend({
  id: z.string().uuid(),
  workspace_id: z.string(),
  team_id: z.string().uuid(),
  version_no: z.number().int(),
  status: TeamVersionStatus,
  created_time: z.string(),
  published_time: z.string().nullable(),
  updated_time: z.string(),
});
export type TeamView = z.infer<typeof TeamView>;
export type TeamVersionView = z.infer<typeof TeamVersionView>;
export const ListTeamsQuery = z.object({
  team_type: z.string().optional(),
  code: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

/** The names of teams, commands and events as every package derives them. */
export const TEAM_DEFINITION = versionedDefinition('team', {
  article: 'a',
  retire: { verb: 'Archive', past: 'Archived', status: 'archived', summary: 'Archive a team version' },
});

/** Teams and their runs: one domain, two read models (the definitions, and the runs with their member steps). */
export const teamsDomain = defineDomain({ name: 'teams', events: [...teamEvents, ...teamRunEvents], projections: ['teams', 'team-runs'] });
