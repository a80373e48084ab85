import { AGENT_RUNS_CATEGORY, AGENTS_CATEGORY, ConflictError, NotFoundError, streamId, type RecordedEvent, type RunError } from '@agent-platform/contracts';
import { agentDecider, agentRunDecider, evolveAll, runnableVersion, sendCommand, type ActiveTeamRun, type TeamStep } from '@agent-platform/command-api/commands';
import type { EventStore } from '@agent-platform/infra';

export type MemberRunDeps = {
  store: EventStore;
  /** Starts a queued member run in this process at once (as an eager start), where agent runs are executed here. */
  startAgentRun?: (runId: string, known: RecordedEvent[], member: { teamRunId: string; workspaceId: string }) => void;
};

/** Why a member run could not be created: the step ends failed with it, and the failure policy decides. */
export class MemberRunRefused extends Error {
  constructor(readonly error: RunError) {
    super(error.message);
    this.name = 'MemberRunRefused';
  }
}

/**
 * Creates the agent run a member step names, through the agent runs' own command (`QueueAgentRun`), with the
 * team run and member on it. The run's id is the step's, so a resumed team run that queues it again finds it
 * (`AGENT_RUN_EXISTS`) and creates nothing. The agent's newest published version runs; an agent with none,
 * or gone, refuses the step.
 */
export const queueMemberRun = async (deps: MemberRunDeps, run: ActiveTeamRun, step: TeamStep, teamRunId: string): Promise<void> => {
  const agent = evolveAll(agentDecider, agentDecider.initialState(), await deps.store.readStream(streamId(AGENTS_CATEGORY, step.agent_id)));
  let versionId: string;
  try {
    versionId = runnableVersion(agent, step.agent_id, run.workspaceId);
  } catch (error) {
    if (!(error instanceof ConflictError || error instanceof NotFoundError)) throw error;
    throw new MemberRunRefused({ code: error.code, message: error.message });
  }
  try {
    const queued = await sendCommand(
      deps.store,
      agentRunDecider,
      streamId(AGENT_RUNS_CATEGORY, step.agent_run_id),
      {
        type: 'QueueAgentRun',
        data: {
          run_id: step.agent_run_id,
          agent_id: step.agent_id,
          agent_version_id: versionId,
          session_id: run.request.session_id,
          input_text: step.input_text,
          auto_execute: true,
          dry_run: run.dryRun,
          workspace_id: run.workspaceId,
          team_run_id: teamRunId,
          member_key: step.member_key,
        },
      },
      { workspaceId: run.workspaceId, ...(run.correlationId ? { correlationId: run.correlationId } : {}), causationId: teamRunId },
      // A stream that exists is caught up with once, and its decider refuses it: `AGENT_RUN_EXISTS`.
      { newStream: true, retryOnConflict: 1 },
    );
    deps.startAgentRun?.(step.agent_run_id, queued.events, { teamRunId, workspaceId: run.workspaceId });
  } catch (error) {
    // Queued before this lease (the team run was resumed): the agent run goes on on its own.
    if (!(error instanceof ConflictError && error.code === 'AGENT_RUN_EXISTS')) throw error;
  }
};
