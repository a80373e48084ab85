import { randomUUID } from 'node:crypto';
import {
  AGENT_RUNS_CATEGORY,
  AGENTS_CATEGORY,
  CommandAccepted,
  ConflictError,
  CreateAgentRunBody,
  NotFoundError,
  SESSIONS_CATEGORY,
  streamId,
} from '@agent-platform/contracts';
import { route, type Api } from '@agent-platform/infra';
import { runnableVersion, agentDecider } from '../agents/decider.js';
import { loadState } from '../handler.js';
import { accepted, type CommandDeps } from '../http.js';
import { sessionDecider } from '../sessions/decider.js';
import { agentRunDecider } from './decider.js';
import type { RunExecutor } from './executor.js';
import { cancelRunRoute } from '../cancelRunRoute.js';

const stream = (runId: string) => streamId(AGENT_RUNS_CATEGORY, runId);

/**
 * With `eager`, a run queued with `auto_execute` starts in this process as soon as it is queued (Temporal
 * calls this eager start): it skips the trip through the relay and the broker. The processors still get
 * the queued event and find the run leased; if this process dies, the run's lease runs out and it is
 * resumed like any other.
 */
export const agentRunRoutes = (api: Api, deps: CommandDeps & { eager?: { executor: RunExecutor; workerKey: string } }): void => {
  route(api, {
    method: 'post',
    path: '/agents/runs',
    summary: 'Queue a run of an agent in a session; without agent_version_id the newest published version runs',
    tags: ['agent runs'],
    body: CreateAgentRunBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Queued; `id` is the run id.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ body, headers, ctx, req }) => {
      const [agent, session] = await Promise.all([
        loadState(deps.store, agentDecider, streamId(AGENTS_CATEGORY, body.agent_id)),
        loadState(deps.store, sessionDecider, streamId(SESSIONS_CATEGORY, body.session_id)),
      ]);
      const versionId = runnableVersion(agent, body.agent_id, ctx.workspaceId, body.agent_version_id);
      if (session.status === 'none' || session.workspaceId !== ctx.workspaceId) {
        throw new NotFoundError('SESSION_NOT_FOUND', `session ${body.session_id} does not exist in this workspace`);
      }
      if (session.status === 'closed') throw new ConflictError('SESSION_CLOSED', `session ${body.session_id} is closed`);
      const runId = randomUUID();
      const eager = body.auto_execute ? deps.eager : undefined;
      // Planning reads the run's tools and session while the run is being queued, not after.
      const planned = eager?.executor.plan?.({
        request: { ...body, run_id: runId, agent_version_id: versionId },
        workspaceId: ctx.workspaceId,
        dryRun: body.dry_run ?? false,
      });
      // Its failure is the run's to record once it starts, or nobody's when the run is not queued.
      planned?.catch(() => undefined);
      const result = await deps.handle(
        agentRunDecider,
        stream(runId),
        { type: 'QueueAgentRun', data: { ...body, run_id: runId, agent_version_id: versionId, workspace_id: ctx.workspaceId } },
        deps.contextOf(ctx, req, headers, body),
        { newStream: true },
      );
      if (eager && !result.duplicate) {
        const log = ctx.log;
        void eager.executor
          .start(runId, { workerKey: eager.workerKey, known: result.events, ...(planned ? { planned } : {}) })
          .then(({ done }) => done)
          .catch((error: unknown) => {
            if (!(error instanceof ConflictError)) log.error({ err: error, agent_run_id: runId }, 'eager start of an agent run failed; the processors will run it');
          });
      }
      // A replay answers the run its first request queued, not the id drawn for this one.
      return accepted(201, (result.events[0]!.data as { run_id: string }).run_id, result);
    },
  });

  cancelRunRoute(api, deps, {
    runsPath: '/agents/runs',
    summary: 'Cancel a run that has not ended',
    tags: ['agent runs'],
    decider: agentRunDecider,
    stream: stream,
    cancel: (id, workspaceId, reason) => ({ type: 'CancelAgentRun' as const, data: { run_id: id, workspace_id: workspaceId, ...(reason ? { reason } : {}) } }),
  });
};
