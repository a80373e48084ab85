import { AGENT_RUNS_CATEGORY, NotFoundError, SKILL_RUNS_CATEGORY, streamId, TEAM_RUNS_CATEGORY, Uuid } from '@agent-platform/contracts';
import type { EventStore } from '@agent-platform/infra';

const RUN_CATEGORIES = [AGENT_RUNS_CATEGORY, TEAM_RUNS_CATEGORY, SKILL_RUNS_CATEGORY];

/**
 * A task's `run_id` is a free reference (the seed's examples name runs of other systems), but never a run
 * of another workspace: that is a 404 naming the field, as for any other id of another tenant. A run of
 * the workspace, or an id no run has, is taken as sent.
 */
export const refusingOtherWorkspacesRun = async (store: EventStore, runId: string | undefined, workspaceId: string): Promise<void> => {
  if (runId === undefined || !Uuid.safeParse(runId).success) return;
  const firsts = await Promise.all(RUN_CATEGORIES.map((category) => store.readStream(streamId(category, runId.toLowerCase()), { fromVersion: 1, toVersion: 1 })));
  if (!firsts.some(([first]) => first && first.metadata.workspace_id !== workspaceId)) return;
  const message = `run ${runId} does not exist in this workspace`;
  throw new NotFoundError('RUN_NOT_FOUND', message, [{ field: 'body.run_id', message }]);
};
