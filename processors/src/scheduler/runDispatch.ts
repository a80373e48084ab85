import { SESSIONS_CATEGORY, SKILL_RUNS_CATEGORY, SKILLS_CATEGORY, SkillJobPayload, streamId, TEAM_RUNS_CATEGORY, TeamJobPayload, type JobDefinition } from '@agent-platform/contracts';
import {
  evolveAll,
  runnableSkillVersion,
  schemaIssues,
  sendCommand,
  sessionDecider,
  skillDecider,
  skillRunDecider,
  teamRunDecider,
  teamVersionToRun,
  type InFlight,
} from '@agent-platform/command-api/commands';
import { uuidFrom, type EventStore } from '@agent-platform/infra';
import { failure, refusalOf, type FireContext, type FireOutcome, type JobDispatcher } from './outcome.js';

export type RunDispatchDeps = { store: EventStore };

const existsAlready = (error: unknown, code: string) => error instanceof Error && 'code' in error && error.code === code;
const contextOf = (job: JobDefinition, context: FireContext) => ({ workspaceId: context.workspaceId, causationId: job.job_id, ...(context.correlationId ? { correlationId: context.correlationId } : {}) });

/**
 * Team and skill runs, queued through their own commands with `auto_execute` (the processors run them);
 * each run's id is the slot's, so a retried fire queues it once.
 */
export const runDispatchers = ({ store }: RunDispatchDeps): { team: JobDispatcher; skill: JobDispatcher } => ({
  team: async (job: JobDefinition, fire: InFlight, context: FireContext): Promise<FireOutcome> => {
    const payload = TeamJobPayload.parse(job.payload_json);
    const runId = uuidFrom('scheduled-team-run', job.job_id, fire.slot);
    try {
      const [version, session] = await Promise.all([
        teamVersionToRun(store, payload.team_id, context.workspaceId, payload.team_version_id),
        store.readStream(streamId(SESSIONS_CATEGORY, payload.session_id)).then((e) => evolveAll(sessionDecider, sessionDecider.initialState(), e)),
      ]);
      if (session.status === 'none' || session.workspaceId !== context.workspaceId) return failure('SESSION_NOT_FOUND', `session ${payload.session_id} does not exist in this workspace`);
      if (session.status === 'closed') return failure('SESSION_CLOSED', `session ${payload.session_id} is closed`);
      await sendCommand(
        store,
        teamRunDecider,
        streamId(TEAM_RUNS_CATEGORY, runId),
        { type: 'QueueTeamRun', data: { ...payload, auto_execute: true, team_run_id: runId, team_version_id: version.versionId, definition: version.definition, workspace_id: context.workspaceId } },
        contextOf(job, context),
        { newStream: true, retryOnConflict: 1 },
      );
      return { ok: true, result: { team_run_id: runId } };
    } catch (error) {
      if (existsAlready(error, 'TEAM_RUN_EXISTS')) return { ok: true, result: { team_run_id: runId } };
      return refusalOf(error);
    }
  },
  skill: async (job: JobDefinition, fire: InFlight, context: FireContext): Promise<FireOutcome> => {
    const payload = SkillJobPayload.parse(job.payload_json);
    const runId = uuidFrom('scheduled-skill-run', job.job_id, fire.slot);
    try {
      const skill = evolveAll(skillDecider, skillDecider.initialState(), await store.readStream(streamId(SKILLS_CATEGORY, payload.skill_id)));
      const { versionId, version } = runnableSkillVersion(skill, payload.skill_id, context.workspaceId, payload.skill_version_id);
      const issues = schemaIssues(`${versionId}:parameters`, version.parameter_schema_json, payload.input_json, 'payload_json.input_json');
      if (issues.length) return failure('SKILL_INPUT_INVALID', issues.map((i) => `${i.field}: ${i.message}`).join('; '));
      await sendCommand(
        store,
        skillRunDecider,
        streamId(SKILL_RUNS_CATEGORY, runId),
        { type: 'QueueSkillRun', data: { ...payload, auto_execute: true, run_id: runId, skill_version_id: versionId, runtime_type: version.runtime_type, workspace_id: context.workspaceId } },
        contextOf(job, context),
        { newStream: true, retryOnConflict: 1 },
      );
      return { ok: true, result: { skill_run_id: runId } };
    } catch (error) {
      if (existsAlready(error, 'SKILL_RUN_EXISTS')) return { ok: true, result: { skill_run_id: runId } };
      return refusalOf(error);
    }
  },
});
