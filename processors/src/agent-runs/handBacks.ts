import { AGENT_RUNS_CATEGORY, AgentRunQueued, AgentRunUnpaused, ConflictError, SESSIONS_CATEGORY, streamId } from '@agent-platform/contracts';
import { sendCommand, sessionDecider } from '@agent-platform/command-api/commands';
import { uuidFrom, type EventStore } from '@agent-platform/infra';
import { runProcessor } from '../kernel/processor.js';
import type { ProcessorDeps } from '../module.js';
import type { Processor } from '../runtime/processor.js';

/** Drives a run on once a person gave it back: the run goes on from its journal, with their messages in its prompt. */
export const unpausedRuns = (options: NonNullable<ProcessorDeps['agentRuns']>) =>
  runProcessor({
    group: 'agent-run-hand-backs',
    types: [AgentRunUnpaused.type],
    concurrency: options.concurrency,
    runOf: (event) => AgentRunUnpaused.schema.parse(event.data).run_id,
    kernel: options.executor,
    code: 'AGENT_RUN',
    workerKey: options.workerKey,
  });

/**
 * What a person wrote while they had the run's session joins that session, in order, each message once
 * (its id derives from the event and its place). A session closed meanwhile keeps them on the run only.
 */
export const handBackMessages = (store: EventStore): Processor => ({
  group: 'agent-run-hand-back-messages',
  types: [AgentRunUnpaused.type],
  idempotent: true,
  handle: async (event, ctx) => {
    const { run_id, messages, by } = AgentRunUnpaused.schema.parse(event.data);
    if (!messages.length) return;
    const [first] = await store.readStream(streamId(AGENT_RUNS_CATEGORY, run_id), { toVersion: 1 });
    if (first?.type !== AgentRunQueued.type) return;
    const { session_id } = AgentRunQueued.schema.parse(first.data);
    const commands = messages.map((m, index) => ({
      type: 'AppendSessionMessage' as const,
      data: {
        session_id,
        message_id: uuidFrom('agent-run-hand-back', event.id, String(index)),
        role: m.role,
        content_text: m.content,
        metadata_json: { agent_run_id: run_id, written_by: by },
        workspace_id: event.workspaceid,
      },
    }));
    await sendCommand(store, sessionDecider, streamId(SESSIONS_CATEGORY, session_id), commands, ctx.commandContext('hand-back'), { retryOnConflict: 20, findPriorFirst: false }).catch(
      (error: unknown) => {
        if (!(error instanceof ConflictError) || error.code !== 'SESSION_CLOSED') throw error;
      },
    );
  },
});
