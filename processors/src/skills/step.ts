import type { SkillRunCommand } from '@agent-platform/contracts';
import { schemaIssues, type ActiveSkillRun, type SkillRunState } from '@agent-platform/command-api/commands';
import { unstorableIssues, type EventStore, type Logger } from '@agent-platform/infra';
import type { Journal } from '../kernel/journal.js';
import { delegateToAgent } from './agent.js';
import type { SkillVersions } from './definitions.js';
import { code, http, template, type RuntimeDeps, type RuntimeOutcome } from './runtimes.js';

export type StepDeps = RuntimeDeps & { store: EventStore; versions: SkillVersions; log: Logger };

/**
 * Drives a leased skill run to its end. A template has no effect and is simply rendered again on resume.
 * An http call or a program is recorded as started before it is made; a resumed run whose call was in
 * flight makes it again with the same idempotency key, so a tool that honours the key acts once. An
 * agent skill's run queues its agent run (once) and waits; the agent run's end wakes it, and it ends with
 * the agent's answer.
 */
export const runSkill = async (deps: StepDeps, journal: Journal<SkillRunState, SkillRunCommand>, leaseId: string, signal: AbortSignal): Promise<void> => {
  const run = journal.state() as ActiveSkillRun;
  const runId = journal.runId;
  const { skill_id, skill_version_id, runtime_type, input_json } = run.request;
  const started = performance.now();
  const effect = {
    signal,
    workspaceId: run.workspaceId,
    begin: async () => {
      const idempotency_key = `${runId}:call`;
      await journal.record({ type: 'StartSkillCall', data: { run_id: runId, lease_id: leaseId, idempotency_key } });
      return idempotency_key;
    },
  };
  const version = await deps.versions(skill_id, skill_version_id);
  let outcome: RuntimeOutcome;
  if (!version) outcome = { error: { code: 'SKILL_VERSION_NOT_FOUND', message: `skill version ${skill_version_id} does not exist` } };
  else if (runtime_type === 'template') outcome = template(version.implementation_json, input_json);
  else if (runtime_type === 'http') outcome = await http(deps, version.implementation_json, input_json, effect);
  else if (runtime_type === 'code') outcome = await code(deps, version.implementation_json, input_json, effect);
  else {
    const delegated = await delegateToAgent(deps.store, journal, leaseId, version.implementation_json, input_json);
    if (delegated === 'waiting') return;
    outcome = delegated;
  }

  if (version && 'output' in outcome) {
    const issues = schemaIssues(`${skill_version_id}:output`, version.output_schema_json, outcome.output, 'output_json');
    if (issues.length) outcome = { error: { code: 'SKILL_OUTPUT_INVALID', message: issues.map((i) => `${i.field}: ${i.message}`).join('; ') } };
    else if (unstorableIssues(outcome.output).length) outcome = { error: { code: 'SKILL_OUTPUT_UNSTORABLE', message: 'the output holds text no store can keep (a NUL or a lone surrogate) or nests too deep' } };
  }
  const duration_ms = Math.round((performance.now() - started) * 1000) / 1000;
  if ('error' in outcome) {
    deps.log.warn({ skill_run_id: runId, error: outcome.error }, 'skill run failed');
    await journal.record({ type: 'FailSkillRun', data: { run_id: runId, lease_id: leaseId, error: outcome.error } });
    return;
  }
  await journal.record({ type: 'CompleteSkillRun', data: { run_id: runId, lease_id: leaseId, output_json: outcome.output ?? null, output_text: outcome.text, duration_ms } });
};
