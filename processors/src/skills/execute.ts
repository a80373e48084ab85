import { SKILL_RUNS_CATEGORY, streamId, type SkillRunOutcome } from '@agent-platform/contracts';
import { evolveAll, isSkillRunEnded, skillRunDecider, skillRunOutcomeOf, type SkillRunExecutor, type SkillRunState } from '@agent-platform/command-api/commands';
import { watchStream, type EventStore } from '@agent-platform/infra';
import type { RunKernel } from '../kernel/executor.js';

/**
 * `POST /skills/runs/:id/execute`: the kernel's execute, which settles when a run ends or waits. An agent
 * skill's run waits for its agent run, which is the run's own work rather than a person's answer, so the
 * caller goes on waiting for the end, within the same bound.
 */
export const skillRunExecutor = (store: EventStore, kernel: Pick<RunKernel<SkillRunOutcome, object>, 'execute'>): SkillRunExecutor => ({
  execute: async (runId, workspaceId, options) => {
    const signal = AbortSignal.timeout(Math.max(1, options.waitMs));
    const first = await kernel.execute(runId, workspaceId, options);
    if (first.outcome.status !== 'awaiting_agent') return first;
    let state: SkillRunState = skillRunDecider.initialState();
    let position = first.outcome.position;
    // Ends at the run's end, or when the wait is over (the watch stops when its signal aborts).
    for await (const event of watchStream(store, streamId(SKILL_RUNS_CATEGORY, runId), { afterVersion: 0, signal })) {
      state = evolveAll(skillRunDecider, state, [event]);
      position = event.global_position;
      if (isSkillRunEnded(state)) break;
    }
    if (!isSkillRunEnded(state)) return { settled: false, outcome: first.outcome };
    return { settled: true, outcome: skillRunOutcomeOf(runId, state, position) };
  },
});
