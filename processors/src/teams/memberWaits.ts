import { AgentRunAwaitingHuman, AgentRunResumed, NotFoundError, streamId, TEAM_RUNS_CATEGORY } from '@agent-platform/contracts';
import { sendCommand, teamRunDecider } from '@agent-platform/command-api/commands';
import type { EventStore } from '@agent-platform/infra';
import type { Processor } from '../runtime/processor.js';
import { teamRunOfMember } from './memberEndings.js';

/**
 * A member run that waits for a person puts its team run in `awaiting_human`, and its resuming puts the team
 * back to waiting for its members (whose end then wakes it as any other). Told twice, or out of order, the
 * team decider records nothing more: a step marked only while it is open and in the other state.
 */
export const memberWaits = (store: EventStore): Processor => ({
  group: 'team-member-waits',
  types: [AgentRunAwaitingHuman.type, AgentRunResumed.type],
  idempotent: true,
  handle: async (event, ctx) => {
    const waits = event.type === AgentRunAwaitingHuman.type;
    const { run_id } = (waits ? AgentRunAwaitingHuman : AgentRunResumed).schema.parse(event.data);
    const teamRunId = await teamRunOfMember(store, run_id);
    if (!teamRunId) return;
    const data = { team_run_id: teamRunId, agent_run_id: run_id };
    await sendCommand(
      store,
      teamRunDecider,
      streamId(TEAM_RUNS_CATEGORY, teamRunId),
      waits ? { type: 'MarkTeamMemberAwaitingHuman', data } : { type: 'MarkTeamMemberResumed', data },
      { ...ctx.commandContext(waits ? 'member-waits' : 'member-resumed'), causationId: run_id },
      { retryOnConflict: 20 },
    ).catch((error: unknown) => {
      if (!(error instanceof NotFoundError)) throw error; // a member run naming a team run that is not there
    });
  },
});
