import type { AgentRunView } from '@agent-platform/contracts';
import type { PositionAsked } from '../consistency.js';
import type { QueryDeps } from '../deps.js';

/**
 * Reads runs at the position asked, their citations' titles included: those come from the knowledge read
 * model, which is waited for only when a run read cites something, then read again. Every other read would
 * otherwise wait for the knowledge projection's checkpoint too (about 50 ms after an execute, measured).
 */
export const readRuns = async <T>(deps: Pick<QueryDeps, 'consistency'>, asked: PositionAsked, read: () => Promise<T>, runsOf: (read: T) => readonly AgentRunView[]): Promise<T> => {
  await deps.consistency.awaitPosition(asked, ['agent-runs']);
  const first = await read();
  if (!runsOf(first).some((run) => run.citations.length)) return first;
  await deps.consistency.awaitPosition(asked, ['knowledge']);
  return read();
};
