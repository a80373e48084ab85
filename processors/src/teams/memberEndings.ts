import {
  AGENT_RUNS_CATEGORY,
  AgentRunCancelled,
  AgentRunCompleted,
  AgentRunFailed,
  AgentRunQueued,
  ConflictError,
  NotFoundError,
  streamId,
  TEAM_RUNS_CATEGORY,
  type EventEnvelope,
} from '@agent-platform/contracts';
import { sendCommand, teamRunDecider, type CommandContext } from '@agent-platform/command-api/commands';
import type { EventStore } from '@agent-platform/infra';
import type { Processor } from '../runtime/processor.js';
import type { TeamRunProcessorDeps } from './kernel.js';

/** The team run an agent run works for, from its queued event (its first; the rest of the run is not read). */
export const teamRunOfMember = async (store: EventStore, agentRunId: string) => {
  const [first] = await store.readStream(streamId(AGENT_RUNS_CATEGORY, agentRunId), { toVersion: 1 });
  return first?.type === AgentRunQueued.type ? AgentRunQueued.schema.parse(first.data).team_run_id : null;
};

const endingOf = (event: EventEnvelope) => {
  switch (event.type) {
    case AgentRunCompleted.type: {
      const d = AgentRunCompleted.schema.parse(event.data);
      return { agent_run_id: d.run_id, status: 'completed' as const, output_text: d.answer, error: null };
    }
    case AgentRunFailed.type: {
      const d = AgentRunFailed.schema.parse(event.data);
      return { agent_run_id: d.run_id, status: 'failed' as const, output_text: null, error: d.error };
    }
    default: {
      const d = AgentRunCancelled.schema.parse(event.data);
      return { agent_run_id: d.run_id, status: 'cancelled' as const, output_text: null, error: { code: 'AGENT_RUN_CANCELLED', message: d.reason ?? 'the member run was cancelled' } };
    }
  }
};
const ELSEWHERE = new Set(['TEAM_RUN_LEASED', 'TEAM_RUN_ENDED', 'TEAM_RUN_WAITING']);
export type MemberEnding = ReturnType<typeof endingOf>;

/**
 * Records member runs' endings on their team run's stream, in one append (once: told again, the decider records nothing),
 * then starts the team run, which goes on if that was the last open member. A team run its holder still
 * drives is left to it; the holder sees the ending at its next step.
 */
export const recordEndings = async (
  store: EventStore,
  teamRuns: Pick<TeamRunProcessorDeps, 'executor' | 'workerKey'>,
  teamRunId: string,
  endings: readonly MemberEnding[],
  context: CommandContext,
) => {
  try {
    const commands = endings.map((ending) => ({ type: 'EndTeamMemberStep' as const, data: { team_run_id: teamRunId, ...ending } }));
    await sendCommand(store, teamRunDecider, streamId(TEAM_RUNS_CATEGORY, teamRunId), commands, context, { retryOnConflict: 20 });
    const { done } = await teamRuns.executor.start(teamRunId, { workerKey: teamRuns.workerKey });
    await done;
  } catch (error) {
    if (error instanceof NotFoundError) return; // a member run naming a team run that is not there: nothing to wake
    if (!(error instanceof ConflictError && ELSEWHERE.has(error.code))) throw error;
  }
};

/**
 * Wakes a team run when one of its member runs ends, wherever the member ran: the durable path (where the
 * team run's process started the member run, it records the ending itself first, without the broker trip).
 */
export const memberEndings = (store: EventStore, teamRuns: TeamRunProcessorDeps): Processor => ({
  group: 'team-member-endings',
  types: [AgentRunCompleted.type, AgentRunFailed.type, AgentRunCancelled.type],
  concurrency: teamRuns.concurrency,
  idempotent: true,
  handle: async (event, ctx) => {
    const ending = endingOf(event);
    const teamRunId = await teamRunOfMember(store, ending.agent_run_id);
    if (teamRunId) await recordEndings(store, teamRuns, teamRunId, [ending], ctx.commandContext('member-ending'));
  },
});
