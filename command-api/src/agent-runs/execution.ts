import {
  AGENT_RUN_ENDINGS,
  AGENT_RUNS_CATEGORY,
  ConflictError,
  NotFoundError,
  streamId,
  TERMINAL_RUN_STATUSES,
  type AgentRunOutcome,
} from '@agent-platform/contracts';
import { watchStream, type EventStore, type Logger } from '@agent-platform/infra';
import { evolveAll } from '../decider.js';
import { agentRunDecider } from './decider.js';
import { isTakenElsewhere, outcomeOf, type ExecuteOptions, type RunExecutor } from './executor.js';

/** Where a caller stops waiting: the run ended, or it waits for a human (the human-in-the-loop issue). */
const SETTLED = new Set<string>([...TERMINAL_RUN_STATUSES, 'awaiting_human']);

/** A run as its stream has it, or 404 when it is not in the workspace. */
export const readRun = async (store: EventStore, runId: string, workspaceId: string) => {
  const events = await store.readStream(streamId(AGENT_RUNS_CATEGORY, runId));
  const state = evolveAll(agentRunDecider, agentRunDecider.initialState(), events);
  if (state.status === 'none' || state.workspaceId !== workspaceId) {
    throw new NotFoundError('AGENT_RUN_NOT_FOUND', `agent run ${runId} does not exist in this workspace`);
  }
  const last = events.at(-1)!;
  return { state, version: last.stream_version, outcome: outcomeOf(runId, state, last.global_position) };
};

/** Resolves when the run's stream records its end, or when `signal` aborts. */
const ended = async (store: EventStore, runId: string, afterVersion: number, signal: AbortSignal): Promise<void> => {
  for await (const event of watchStream(store, streamId(AGENT_RUNS_CATEGORY, runId), { afterVersion, signal })) {
    if (AGENT_RUN_ENDINGS.has(event.type)) return;
  }
};

/**
 * `execute` as the HTTP API offers it: the caller's worker takes the run if nobody holds it (and runs it in
 * this process), else the caller waits for the holder. Either way it waits at most `waitMs` for the run to
 * settle; `settled: false` means it is still going.
 */
export const executeRun = async (
  deps: { store: EventStore; executor: RunExecutor; log: Logger },
  runId: string,
  workspaceId: string,
  /** `claim`: only a run this worker can take; one another worker holds or that ended is refused (409). */
  options: ExecuteOptions & { waitMs: number; claim?: boolean },
): Promise<{ settled: boolean; outcome: AgentRunOutcome }> => {
  // A run this process drives in the caller's workspace is joined as it is; any other is read first.
  const joinable = !options.claim && deps.executor.drivenHere?.(runId)?.workspaceId === workspaceId;
  const before = joinable ? undefined : await readRun(deps.store, runId, workspaceId);
  if (before && SETTLED.has(before.state.status)) {
    if (options.claim) throw new ConflictError('AGENT_RUN_ENDED', `agent run ${runId} is ${before.state.status}`);
    return { settled: true, outcome: before.outcome };
  }
  const stopWaiting = new AbortController();
  // What this process's own driver says at the end; a run driven elsewhere is read back from its stream.
  let finished: Promise<AgentRunOutcome | undefined>;
  try {
    const { done } = await deps.executor.start(runId, options);
    // A run that fails unexpectedly stays leased; the sweeper resumes it once the lease runs out.
    finished = done.catch((error: unknown) => {
      deps.log.error({ err: error, agent_run_id: runId }, 'agent run stopped with an error');
      return undefined;
    });
  } catch (error) {
    if (!isTakenElsewhere(error) || options.claim) throw error;
    const from = before ?? (await readRun(deps.store, runId, workspaceId));
    finished = ended(deps.store, runId, from.version, stopWaiting.signal).then(() => undefined);
  }
  let timer: NodeJS.Timeout | undefined;
  const driven = await Promise.race([finished, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), options.waitMs)))]);
  clearTimeout(timer);
  stopWaiting.abort();
  if (driven && SETTLED.has(driven.status)) return { settled: true, outcome: driven };
  const after = await readRun(deps.store, runId, workspaceId);
  return { settled: SETTLED.has(after.state.status), outcome: after.outcome };
};
