import type { TeamRunCommand } from '@agent-platform/contracts';
import { isTeamRunEnded, openSteps } from '@agent-platform/command-api/commands';
import { uuidFrom } from '@agent-platform/infra';
import { MemberRunRefused, queueMemberRun, type MemberRunDeps } from './members.js';
import { nextMove } from './nextMove.js';
import type { TeamRunJournal } from './stream.js';

/** A member step's agent run: derived from the team run and the step, so a step never creates two. */
export const memberRunIdOf = (teamRunId: string, stepNo: number): string => uuidFrom('team-member-run', teamRunId, String(stepNo));

/**
 * The team run's step function: decide the next move from the journal, record it, then act on it. A
 * member step is recorded before its agent run is created, and every open step's run is created (again,
 * harmlessly) before the team waits, so a run killed between the two creates it on resume, once. Member
 * runs that ended are in the journal and never run again. Waiting ends the lease and this step; the
 * ending of the last open member wakes the run, and the next lease goes on from here.
 */
export const orchestrate = async (deps: MemberRunDeps, journal: TeamRunJournal, leaseId: string, signal: AbortSignal): Promise<void> => {
  const teamRunId = journal.runId;
  const queued = new Set<number>();
  for (;;) {
    const run = journal.state();
    if (signal.aborted || run.status === 'none' || isTeamRunEnded(run) || run.waiting) return;
    const toQueue = openSteps(run).filter((s) => s.status === 'running' && !queued.has(s.step_no));
    if (toQueue.length) {
      await Promise.all(
        toQueue.map(async (step) => {
          queued.add(step.step_no);
          try {
            await queueMemberRun(deps, run, step, teamRunId);
          } catch (error) {
            if (!(error instanceof MemberRunRefused)) throw error;
            await journal.record({
              type: 'EndTeamMemberStep',
              data: { team_run_id: teamRunId, agent_run_id: step.agent_run_id, status: 'failed', output_text: null, error: error.error },
            });
          }
        }),
      );
      continue;
    }
    const move = nextMove(run);
    switch (move.type) {
      case 'start': {
        // The steps of one move are decided together and appended in one append: a fan-out is one decision.
        const commands: TeamRunCommand[] = move.steps.map((plan, index) => {
          const step_no = run.steps.length + index + 1;
          return { type: 'StartTeamMemberStep', data: { team_run_id: teamRunId, lease_id: leaseId, step_no, agent_run_id: memberRunIdOf(teamRunId, step_no), ...plan } };
        });
        for (const command of commands.slice(0, -1)) journal.defer(command);
        await journal.record(commands.at(-1)!);
        break;
      }
      case 'wait':
        // Refused to nothing when the last member ended meanwhile: the loop then goes on.
        await journal.record({ type: 'WaitForTeamMembers', data: { team_run_id: teamRunId, lease_id: leaseId } });
        break;
      case 'complete':
        await journal.record({ type: 'CompleteTeamRun', data: { team_run_id: teamRunId, lease_id: leaseId, answer: move.answer } });
        return;
      case 'fail':
        await journal.record({ type: 'FailTeamRun', data: { team_run_id: teamRunId, lease_id: leaseId, error: move.error } });
        return;
    }
  }
};
