import { TEAM_RUNS_CATEGORY, type TeamRunCommand, type TeamRunEvent } from '@agent-platform/contracts';
import { teamRunDecider, type TeamRunState } from '@agent-platform/command-api/commands';
import type { Journal, RunStream } from '../kernel/journal.js';

export type TeamRunJournal = Journal<TeamRunState, TeamRunCommand>;

/** A team run's stream: one per run, in the workspace and under the correlation id of the request that queued it. */
export const teamRunStream: RunStream<TeamRunState, TeamRunCommand, TeamRunEvent> = {
  category: TEAM_RUNS_CATEGORY,
  decider: teamRunDecider,
  scopeOf: (state) => (state.status === 'none' ? undefined : { workspaceId: state.workspaceId, correlationId: state.correlationId }),
};
