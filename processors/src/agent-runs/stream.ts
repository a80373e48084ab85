import { AGENT_RUNS_CATEGORY, type AgentRunCommand, type AgentRunEvent } from '@agent-platform/contracts';
import { agentRunDecider, type AgentRunState } from '@agent-platform/command-api/commands';
import type { Journal, RunStream } from '../kernel/journal.js';

export type AgentRunJournal = Journal<AgentRunState, AgentRunCommand>;

/** An agent run's stream: one per run, in the workspace and under the correlation id of the request that queued it. */
export const agentRunStream: RunStream<AgentRunState, AgentRunCommand, AgentRunEvent> = {
  category: AGENT_RUNS_CATEGORY,
  decider: agentRunDecider,
  scopeOf: (state) => (state.status === 'none' ? undefined : { workspaceId: state.workspaceId, correlationId: state.correlationId }),
};
