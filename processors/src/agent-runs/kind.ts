import type { AgentRunCommand, AgentRunEvent, AgentRunOutcome } from '@agent-platform/contracts';
import { isTerminal, outcomeOf, type AgentRunState, type ExecuteOptions } from '@agent-platform/command-api/commands';
import type { RunKind } from '../kernel/runKind.js';
import { finishDryRun } from './dryRun.js';
import { leaseAndPlan } from './leaseAndPlan.js';
import { runToEnd, type RunnerDeps } from './runner.js';
import { agentRunStream } from './stream.js';

/** Agent runs on the kernel: planned with their lease, then a dry run's summary or the ReAct loop. */
export const agentRunKind = (
  deps: RunnerDeps,
): RunKind<AgentRunState, AgentRunCommand, AgentRunEvent, AgentRunOutcome, Pick<ExecuteOptions, 'dryRun' | 'planned'>> => ({
  ...agentRunStream,
  code: 'AGENT_RUN',
  noun: 'agent run',
  phaseOf: (state) => {
    if (state.status === 'none') return { phase: 'none' };
    if (isTerminal(state)) return { phase: 'ended', status: state.status };
    if (state.status === 'awaiting_human') return { phase: 'waiting' };
    return { phase: 'active', stalls: state.stalls };
  },
  lease: ({ runId, workerKey, leaseId, now, leaseMs }) => ({
    type: 'LeaseAgentRun',
    data: { run_id: runId, worker_key: workerKey, lease_id: leaseId, now, lease_ms: leaseMs },
  }),
  giveUp: ({ runId, leaseId }, error) => ({ type: 'FailAgentRun', data: { run_id: runId, lease_id: leaseId, error } }),
  begin: (journal, lease, options) => leaseAndPlan(deps, journal, lease, options),
  step: async (journal, leaseId, signal) => {
    const run = journal.state();
    if (run.status === 'none' || !run.prepared) return;
    if (run.prepared.dry_run) await finishDryRun(journal, leaseId);
    else await runToEnd(deps, journal, leaseId, signal);
  },
  outcomeOf,
});
