import { ConflictError, NotFoundError, SKILL_RUNS_CATEGORY, SKILLS_CATEGORY, streamId } from '@agent-platform/contracts';
import { evolveAll, runnableSkillVersion, schemaIssues, sendCommand, skillDecider, skillRunDecider, type SkillRunExecutor } from '@agent-platform/command-api/commands';
import { uuidFrom, type EventStore } from '@agent-platform/infra';
import type { SelectedSkillRef } from '@agent-platform/contracts';
import type { RunSkills } from '../agent-runs/skills.js';

/** How long an agent run waits for one of its skills before it tells the model the skill is still running. */
const SKILL_WAIT_MS = 120_000;

/**
 * Agent runs' skills as skill runs: the skill run's id derives from the agent run and the ref's index, so an
 * agent run resumed mid-invocation queues nothing twice and gets the run it started (joined, or ended). The
 * version is the ref's, or the skill's newest published one, resolved from its stream.
 */
const skillIdOf = (workspaceId: string, ref: SelectedSkillRef) => ref.skill_id ?? uuidFrom('skill', workspaceId, ref.skill_code!);
const runnable = async (store: EventStore, workspaceId: string, ref: SelectedSkillRef) => {
  const skillId = skillIdOf(workspaceId, ref);
  const skill = evolveAll(skillDecider, skillDecider.initialState(), await store.readStream(streamId(SKILLS_CATEGORY, skillId)));
  return { skillId, ...runnableSkillVersion(skill, skillId, workspaceId, ref.skill_version_id ?? undefined) };
};
const refused = (error: unknown) => {
  if (error instanceof NotFoundError || error instanceof ConflictError) return { error: { code: error.code, message: error.message } };
  throw error;
};

export const skillsForAgents = (deps: { store: EventStore; executor: SkillRunExecutor; workerKey: string }): RunSkills => ({
  resolve: async ({ workspaceId, ref }) => {
    try {
      const { skillId, versionId } = await runnable(deps.store, workspaceId, ref);
      return { skillId, versionId };
    } catch (error) {
      return refused(error);
    }
  },
  invoke: async ({ agentRunId, index, workspaceId, correlationId, ref, input: input_json }) => {
    try {
      const { skillId, versionId, version } = await runnable(deps.store, workspaceId, ref);
      // An agent skill would queue an agent run, which may select the same skill again: without end.
      if (version.runtime_type === 'agent') return { error: { code: 'SKILL_RUNTIME_NOT_ALLOWED', message: 'an agent skill is not run from an agent run’s skill_refs' } };
      const issues = schemaIssues(`${versionId}:parameters`, version.parameter_schema_json, input_json, 'input_json');
      if (issues.length) return { error: { code: 'SKILL_INPUT_INVALID', message: issues.map((i) => `${i.field}: ${i.message}`).join('; ') } };
      const runId = uuidFrom('agent-skill-run', agentRunId, String(index));
      await sendCommand(
        deps.store,
        skillRunDecider,
        streamId(SKILL_RUNS_CATEGORY, runId),
        { type: 'QueueSkillRun', data: { run_id: runId, skill_id: skillId, skill_version_id: versionId, runtime_type: version.runtime_type, input_json, auto_execute: false, workspace_id: workspaceId } },
        { workspaceId, causationId: agentRunId, ...(correlationId ? { correlationId } : {}) },
      ).catch((error: unknown) => {
        // Queued by an earlier attempt of this agent run: the same skill run is executed (or read) below.
        if (!(error instanceof ConflictError && error.code === 'SKILL_RUN_EXISTS')) throw error;
      });
      const { settled, outcome } = await deps.executor.execute(runId, workspaceId, { workerKey: deps.workerKey, waitMs: SKILL_WAIT_MS });
      if (!settled) return { error: { code: 'SKILL_RUN_TIMEOUT', message: `skill run ${runId} is still ${outcome.status} after ${SKILL_WAIT_MS / 1000} s` } };
      if (outcome.status === 'completed') return { output: outcome.output_json };
      return { error: outcome.error ?? { code: 'SKILL_RUN_CANCELLED', message: `skill run ${runId} was ${outcome.status}` } };
    } catch (error) {
      return refused(error);
    }
  },
});
