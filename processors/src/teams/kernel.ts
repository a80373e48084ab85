import type { TeamExecuteOptions, TeamRunExecutor } from '@agent-platform/command-api/commands';
import type { TeamRunOutcome } from '@agent-platform/contracts';
import type { RunKernel } from '../kernel/executor.js';

/** Team runs' kernel in a process: the command side's executor port, and what the kernel adds. */
export type TeamRunKernel = TeamRunExecutor & Pick<RunKernel<TeamRunOutcome, Pick<TeamExecuteOptions, 'dryRun'>>, 'stop' | 'drivenHere'>;
/** What the team's reactions get: the kernel to wake team runs on, under this process's worker key. */
export type TeamRunProcessorDeps = { executor: TeamRunKernel; workerKey: string; concurrency: number };
