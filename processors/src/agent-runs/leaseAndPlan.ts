import type { AgentRunCommand } from '@agent-platform/contracts';
import type { ExecuteOptions } from '@agent-platform/command-api/commands';
import type { AgentRunJournal } from './stream.js';
import { PlanError, prepareRun } from './prepare.js';
import type { RunnerDeps } from './runner.js';

/**
 * Leases the run, planning it first if it has no plan yet (or taking the plan made while it was queued),
 * so that the lease and the plan go in one append. A definition that cannot be planned fails the run
 * instead (it would fail the same way again). Resolves once the lease is decided, with the append that
 * makes it durable still going.
 */
export const leaseAndPlan = async (
  deps: RunnerDeps,
  journal: AgentRunJournal,
  lease: AgentRunCommand,
  options: Pick<ExecuteOptions, 'dryRun' | 'planned'>,
): Promise<{ durable: Promise<void> }> => {
  const run = journal.state();
  if (run.status === 'none' || run.prepared || lease.type !== 'LeaseAgentRun') return { durable: journal.record(lease) };
  try {
    const plan = await (options.planned ??
      prepareRun(deps, { request: run.request, workspaceId: run.workspaceId, dryRun: options.dryRun ?? run.dryRun }, deps.models.defaultModel));
    journal.defer(lease);
    return { durable: journal.record({ type: 'PrepareAgentRun', data: { ...plan, lease_id: lease.data.lease_id } }) };
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    journal.defer(lease);
    return { durable: journal.record({ type: 'FailAgentRun', data: { run_id: journal.runId, lease_id: lease.data.lease_id, error: error.error } }) };
  }
};
