import type { TeamRunCommand, TeamRunEvent, TeamRunOutcome } from '@agent-platform/contracts';
import { isTeamRunEnded, teamRunOutcomeOf, type TeamExecuteOptions, type TeamRunState } from '@agent-platform/command-api/commands';
import type { RunKind } from '../kernel/runKind.js';
import type { MemberRunDeps } from './members.js';
import { orchestrate } from './orchestrate.js';
import { teamRunStream } from './stream.js';

/**
 * Team runs on the kernel. A team run waiting for its members is `waiting` for runs of its own (execute
 * goes on waiting for it); one whose member waits for a person is waiting like any run that does.
 */
export const teamRunKind = (deps: MemberRunDeps): RunKind<TeamRunState, TeamRunCommand, TeamRunEvent, TeamRunOutcome, Pick<TeamExecuteOptions, 'dryRun'>> => ({
  ...teamRunStream,
  code: 'TEAM_RUN',
  noun: 'team run',
  phaseOf: (state) => {
    if (state.status === 'none') return { phase: 'none' };
    if (isTeamRunEnded(state)) return { phase: 'ended', status: state.status };
    if (state.status === 'awaiting_human') return { phase: 'waiting' };
    if (state.waiting) return { phase: 'waiting', children: true };
    return { phase: 'active', stalls: state.stalls };
  },
  lease: ({ runId, workerKey, leaseId, now, leaseMs }) => ({
    type: 'LeaseTeamRun',
    data: { team_run_id: runId, worker_key: workerKey, lease_id: leaseId, now, lease_ms: leaseMs },
  }),
  giveUp: ({ runId, leaseId }, error) => ({ type: 'FailTeamRun', data: { team_run_id: runId, lease_id: leaseId, error } }),
  // The first lease records whether the run is a dry run, in the same append.
  begin: async (journal, lease, options) => {
    const run = journal.state();
    if (run.status === 'none' || run.prepared || lease.type !== 'LeaseTeamRun') return { durable: journal.record(lease) };
    journal.defer(lease);
    return { durable: journal.record({ type: 'PrepareTeamRun', data: { team_run_id: journal.runId, lease_id: lease.data.lease_id, dry_run: options.dryRun ?? run.dryRun } }) };
  },
  step: (journal, leaseId, signal) => orchestrate(deps, journal, leaseId, signal),
  outcomeOf: teamRunOutcomeOf,
});
