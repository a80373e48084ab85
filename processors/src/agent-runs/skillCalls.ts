import { skillCallCode, type AgentRunCommand } from '@agent-platform/contracts';
import type { ActiveRun } from '@agent-platform/command-api/commands';
import { uuidFrom } from '@agent-platform/infra';
import { observationOf } from './observations.js';
import type { RunSkills } from './skills.js';
import type { AgentRunJournal } from './stream.js';
import type { approvalGate } from './waits.js';

type SkillCallContext = {
  deps: { skills?: RunSkills | undefined; redact: <T>(value: T) => T };
  journal: AgentRunJournal;
  leaseId: string;
  approval: ReturnType<typeof approvalGate>;
  /** Records how a call ended without waiting for the append (see `runToEnd`). */
  settle: (command: AgentRunCommand) => void;
};

/**
 * The selected skills, before the model call: each is recorded as started before its skill run is
 * queued, and its output (or error) once it ended, so a resumed run replays it, or gets the same skill
 * run back (its id derives from the run and the ref). Answers what the prompt is told of each.
 */
export const invokeSkills = async ({ deps, journal, leaseId, approval, settle }: SkillCallContext): Promise<string[]> => {
  const run = () => journal.state() as ActiveRun;
  const runId = journal.runId;
  const plan = run().prepared!;
  const observations: string[] = [];
  for (const [index, skill] of plan.selected_skill_refs.entries()) {
    const invocation_id = uuidFrom('agent-skill-invocation', runId, String(index));
    const tool_code = skillCallCode(skill);
    const prior = run().invocations[invocation_id];
    if (prior?.status === 'completed' || prior?.status === 'failed') {
      observations.push(`- ${tool_code}: ${observationOf(prior)}`);
      continue;
    }
    if (prior?.status === 'skipped') {
      if (prior.reason) observations.push(`- ${tool_code}: ${observationOf({ skipped: prior.reason })}`);
      continue;
    }
    const start: Extract<AgentRunCommand, { type: 'StartToolInvocation' }>['data'] = {
      run_id: runId,
      lease_id: leaseId,
      invocation_id,
      step: 0,
      tool_id: null,
      tool_version_id: null,
      tool_code,
      input_json: { input_text: run().request.input_text },
      idempotency_key: `${runId}:skill:${index}`,
      tool_call_id: null,
    };
    if (!deps.skills) {
      await journal.record({ type: 'SkipToolInvocation', data: { ...start, reason: 'this process runs no skills' } });
      continue;
    }
    let call = { ref: skill, start };
    if (skill.requires_approval) {
      // The version approved is the one called: resolved now (the ref's, or the newest published), part of the hash.
      const resolved = await deps.skills.resolve({ workspaceId: run().workspaceId, ref: skill });
      if ('error' in resolved) {
        settle({ type: 'FailToolInvocation', data: { ...start, error: resolved.error, duration_ms: null } });
        observations.push(`- ${tool_code}: ${observationOf({ error: resolved.error })}`);
        continue;
      }
      const approved = await approval({
        invocationId: invocation_id,
        step: 0,
        subject: { kind: 'skill', code: tool_code, ref_id: resolved.skillId, version_id: resolved.versionId },
        input: start.input_json,
      });
      if ('skipped' in approved) {
        settle({ type: 'SkipToolInvocation', data: { ...start, reason: approved.skipped } });
        observations.push(`- ${tool_code}: ${observationOf(approved)}`);
        continue;
      }
      call = { ref: { ...skill, skill_version_id: resolved.versionId }, start: { ...start, tool_version_id: resolved.versionId, input_json: approved.input } };
    }
    await journal.record({ type: 'StartToolInvocation', data: call.start });
    const started = performance.now();
    const result = deps.redact(
      await deps.skills.invoke({ agentRunId: runId, index, workspaceId: run().workspaceId, correlationId: run().correlationId, ref: call.ref, input: call.start.input_json }),
    );
    const duration_ms = Math.round((performance.now() - started) * 1000) / 1000;
    if ('error' in result) settle({ type: 'FailToolInvocation', data: { ...start, error: result.error, duration_ms } });
    else settle({ type: 'CompleteToolInvocation', data: { run_id: runId, lease_id: leaseId, invocation_id, output_json: result.output, duration_ms } });
    observations.push(`- ${tool_code}: ${observationOf('error' in result ? { error: result.error } : { output: result.output })}`);
  }
  return observations;
};
