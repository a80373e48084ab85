import type { RunExecutor } from '@agent-platform/command-api/commands';
import { createRunKernel, type KernelDeps, type RunKernel } from '../kernel/executor.js';
import { createDefinitions } from './definitions.js';
import { agentRunKind } from './kind.js';
import { prepareRun } from './prepare.js';
import { redactorOf } from './redaction.js';
import type { RunnerDeps } from './runner.js';

export type ExecutorDeps = Omit<RunnerDeps, 'definitions' | 'redact'> & KernelDeps;

/** Agent runs driven by the kernel, plus planning ahead, which lets a run's plan be read while it is being queued. */
export const createRunExecutor = (executorDeps: ExecutorDeps): Required<RunExecutor> & Pick<RunKernel<unknown, object>, 'stop' | 'drivenHere'> => {
  const deps: RunnerDeps = { ...executorDeps, definitions: createDefinitions(executorDeps.store), redact: redactorOf(executorDeps.secrets) };
  return {
    ...createRunKernel(agentRunKind(deps), executorDeps),
    plan: (run) => prepareRun(deps, run, deps.models.defaultModel),
  };
};
