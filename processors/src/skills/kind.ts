import { SKILL_RUNS_CATEGORY, type SkillRunCommand, type SkillRunEvent, type SkillRunOutcome } from '@agent-platform/contracts';
import { isSkillRunEnded, skillRunDecider, skillRunOutcomeOf, type SkillRunState } from '@agent-platform/command-api/commands';
import type { RunKind } from '../kernel/runKind.js';
import { runSkill, type StepDeps } from './step.js';

/** Skill runs on the kernel: leased, then run by their version's runtime to an end, or (an agent skill's) to a wait for their agent run. */
export const skillRunKind = (deps: StepDeps): RunKind<SkillRunState, SkillRunCommand, SkillRunEvent, SkillRunOutcome> => ({
  category: SKILL_RUNS_CATEGORY,
  decider: skillRunDecider,
  scopeOf: (state) => (state.status === 'none' ? undefined : { workspaceId: state.workspaceId, correlationId: state.correlationId }),
  code: 'SKILL_RUN',
  noun: 'skill run',
  phaseOf: (state) => {
    if (state.status === 'none') return { phase: 'none' };
    if (isSkillRunEnded(state)) return { phase: 'ended', status: state.status };
    // Its lease ended with the wait: the agent run's end wakes it (`agentEndings`).
    if (state.status === 'awaiting_agent') return { phase: 'waiting' };
    return { phase: 'active', stalls: state.stalls };
  },
  lease: ({ runId, workerKey, leaseId, now, leaseMs }) => ({
    type: 'LeaseSkillRun',
    data: { run_id: runId, worker_key: workerKey, lease_id: leaseId, now, lease_ms: leaseMs },
  }),
  giveUp: ({ runId, leaseId }, error) => ({ type: 'FailSkillRun', data: { run_id: runId, lease_id: leaseId, error } }),
  step: (journal, leaseId, signal) => runSkill(deps, journal, leaseId, signal),
  outcomeOf: skillRunOutcomeOf,
});
