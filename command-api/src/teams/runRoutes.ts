import { randomUUID } from 'node:crypto';
import {
  CommandAccepted,
  ConflictError,
  CreateTeamRunBody,
  NotFoundError,
  SESSIONS_CATEGORY,
  streamId,
  TEAM_RUNS_CATEGORY,
  TEAMS_CATEGORY,
  TeamVersionCreated,
} from '@agent-platform/contracts';
import { route, type Api, type EventStore } from '@agent-platform/infra';
import { evolveAll } from '../decider.js';
import { loadState } from '../handler.js';
import { accepted, type CommandDeps } from '../http.js';
import { sessionDecider } from '../sessions/decider.js';
import { runnableTeamVersion, teamDecider } from './decider.js';
import type { TeamRunExecutor } from './executor.js';
import { teamRunDecider } from './runDecider.js';
import { cancelRunRoute } from '../cancelRunRoute.js';

const stream = (runId: string) => streamId(TEAM_RUNS_CATEGORY, runId);

/** The version a run uses, with its definition, from the team's own stream (so a version published just before is found). */
export const versionToRun = async (store: EventStore, teamId: string, workspaceId: string, requested?: string) => {
  const events = await store.readStream(streamId(TEAMS_CATEGORY, teamId));
  const versionId = runnableTeamVersion(evolveAll(teamDecider, teamDecider.initialState(), events), teamId, workspaceId, requested);
  const created = events.find((e) => e.type === TeamVersionCreated.type && (e.data as { version_id: string }).version_id === versionId);
  const { team_id: _team, version_id: _version, version_no: _no, ...definition } = TeamVersionCreated.schema.parse(created?.data);
  return { versionId, definition };
};

/** With `eager`, a run queued with `auto_execute` starts in this process at once, as agent runs do. */
export const teamRunRoutes = (api: Api, deps: CommandDeps & { eager?: { executor: TeamRunExecutor; workerKey: string } }): void => {
  route(api, {
    method: 'post',
    path: '/teams/runs',
    summary: 'Queue a run of a team in a session; without team_version_id the newest published version runs',
    description: 'A team run waits for `POST /teams/runs/:id/execute` or the worker claim API unless `auto_execute` is true.',
    tags: ['team runs'],
    body: CreateTeamRunBody,
    headers: deps.commandHeaders,
    responses: { 201: { description: 'Queued; `id` is the team run id.', schema: CommandAccepted } },
    errors: [404, 409, 422],
    handler: async ({ body, headers, ctx, req }) => {
      const [version, session] = await Promise.all([
        versionToRun(deps.store, body.team_id, ctx.workspaceId, body.team_version_id),
        loadState(deps.store, sessionDecider, streamId(SESSIONS_CATEGORY, body.session_id)),
      ]);
      if (session.status === 'none' || session.workspaceId !== ctx.workspaceId) {
        throw new NotFoundError('SESSION_NOT_FOUND', `session ${body.session_id} does not exist in this workspace`);
      }
      if (session.status === 'closed') throw new ConflictError('SESSION_CLOSED', `session ${body.session_id} is closed`);
      const runId = randomUUID();
      const result = await deps.handle(
        teamRunDecider,
        stream(runId),
        {
          type: 'QueueTeamRun',
          data: { ...body, team_run_id: runId, team_version_id: version.versionId, definition: version.definition, workspace_id: ctx.workspaceId },
        },
        deps.contextOf(ctx, req, headers, body),
        { newStream: true },
      );
      const eager = body.auto_execute ? deps.eager : undefined;
      if (eager && !result.duplicate) {
        const log = ctx.log;
        void eager.executor
          .start(runId, { workerKey: eager.workerKey, known: result.events })
          .then(({ done }) => done)
          .catch((error: unknown) => {
            if (!(error instanceof ConflictError)) log.error({ err: error, team_run_id: runId }, 'eager start of a team run failed; the processors will run it');
          });
      }
      // A replayed request answers the run its first queued, not the id this one drew.
      return accepted(201, (result.events[0]!.data as { team_run_id: string }).team_run_id, result);
    },
  });

  cancelRunRoute(api, deps, {
    runsPath: '/teams/runs',
    summary: 'Cancel a team run that has not ended; its member runs are cancelled too',
    tags: ['team runs'],
    decider: teamRunDecider,
    stream: stream,
    cancel: (id, workspaceId, reason) => ({ type: 'CancelTeamRun' as const, data: { team_run_id: id, workspace_id: workspaceId, ...(reason ? { reason } : {}) } }),
  });
};
