import {
  AGENT_RUNS_CATEGORY,
  AgentRunQueued,
  ConflictError,
  NotFoundError,
  streamId,
  TEAM_RUNS_CATEGORY,
  TeamRunCancelled,
  TeamRunFailed,
  type EventEnvelope,
} from '@agent-platform/contracts';
import { agentRunDecider, evolveAll, isTeamRunEnded, openSteps, sendCommand, teamRunDecider, type CommandContext } from '@agent-platform/command-api/commands';
import type { EventStore } from '@agent-platform/infra';
import type { Processor } from '../runtime/processor.js';

const cancelAgentRun = async (store: EventStore, runId: string, workspaceId: string, context: CommandContext) => {
  try {
    await sendCommand(
      store,
      agentRunDecider,
      streamId(AGENT_RUNS_CATEGORY, runId),
      { type: 'CancelAgentRun', data: { run_id: runId, workspace_id: workspaceId, reason: 'its team run ended' } },
      context,
      { retryOnConflict: 20 },
    );
  } catch (error) {
    // Ended on its own meanwhile, or not created yet (then its queued event comes here too, below).
    if (!(error instanceof ConflictError && error.code === 'AGENT_RUN_ENDED') && !(error instanceof NotFoundError)) throw error;
  }
};

/** The open member runs of a team run that ended without an answer, or none while it goes on. */
const openMembersOfEnded = async (store: EventStore, teamRunId: string) => {
  const state = evolveAll(teamRunDecider, teamRunDecider.initialState(), await store.readStream(streamId(TEAM_RUNS_CATEGORY, teamRunId)));
  return state.status !== 'none' && isTeamRunEnded(state) ? openSteps(state).map((s) => s.agent_run_id) : [];
};

const teamRunOf = (event: EventEnvelope): string | null => {
  if (event.type === AgentRunQueued.type) return AgentRunQueued.schema.parse(event.data).team_run_id;
  return (event.type === TeamRunCancelled.type ? TeamRunCancelled : TeamRunFailed).schema.parse(event.data).team_run_id;
};

/**
 * Cancelling a team run (or its failing) cancels its member runs that have not ended. A member run the
 * orchestrator queued just as the team run ended (decided before the end, created after) is cancelled when
 * its own queued event comes by, so no member outlives its team.
 */
export const teamCancellations = (store: EventStore): Processor => ({
  group: 'team-cancellations',
  types: [TeamRunCancelled.type, TeamRunFailed.type, AgentRunQueued.type],
  // Cancelling a run that ended is refused, and taken as done.
  idempotent: true,
  handle: async (event, ctx) => {
    const teamRunId = teamRunOf(event);
    if (!teamRunId) return;
    const open = await openMembersOfEnded(store, teamRunId);
    const members = event.type === AgentRunQueued.type ? open.filter((id) => id === AgentRunQueued.schema.parse(event.data).run_id) : open;
    await Promise.all(members.map((id) => cancelAgentRun(store, id, event.workspaceid, ctx.commandContext(`cancel-${id}`))));
  },
});
