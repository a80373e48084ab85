import { z } from 'zod';
import { AGENT_RUNS_CATEGORY, AgentRunCompleted, AgentRunPrepared, AgentRunQueued, ConflictError, MemoryScopeType, streamId } from '@agent-platform/contracts';
import { memoryDecider, sendCommand, writeMemory, type MemoryServices } from '@agent-platform/command-api/commands';
import { uuidFrom, type EventStore } from '@agent-platform/infra';
import type { Processor } from '../runtime/processor.js';
import { createDefinitions } from './definitions.js';

/** The longest text a memory takes (`POST /memories` holds callers to it too); a longer conversation keeps its start. */
const MAX_MEMORY_TEXT = 100_000;
const DEFAULT_IMPORTANCE = 50;

/** What the writer needs of the plan: whether to write, and where (a version 1 plan never wrote). */
const PlannedWrite = z.object({ memory: z.object({ write: z.string(), memory_scope: MemoryScopeType, scope_id: z.string().nullable().optional() }) });

/**
 * Writes a `conversation` memory of each completed run whose plan says it writes one (`write: pending`), to
 * the scope the plan resolved, with the run, its agent and the completion's log position as provenance.
 * A reaction like the session's answer: the memory's id comes from the run and its command's idempotency
 * key from the event, so a redelivered completion writes it once. A memory forgotten before a redelivery
 * stays forgotten. Dry runs remember nothing.
 */
export const memoryWrites = (store: EventStore, memories: MemoryServices): Processor => {
  const definitions = createDefinitions(store);
  return {
    group: 'agent-run-memories',
    types: [AgentRunCompleted.type],
    idempotent: true,
    handle: async (event, ctx) => {
      const { run_id, answer } = AgentRunCompleted.schema.parse(event.data);
      const events = await store.readStream(streamId(AGENT_RUNS_CATEGORY, run_id));
      const queued = events[0]?.type === AgentRunQueued.type ? AgentRunQueued.schema.parse(events[0].data) : undefined;
      const prepared = events.findLast((e) => e.type === AgentRunPrepared.type);
      if (!queued || queued.dry_run || !prepared) return;
      const { memory } = PlannedWrite.parse(prepared.data);
      if (memory.write !== 'pending' || !memory.scope_id) return;
      const version = await definitions.agentVersion(queued.agent_id, queued.agent_version_id);
      const importance = version?.memory_policy.config_json.write_importance_score ?? DEFAULT_IMPORTANCE;
      const body = {
        scope_type: memory.memory_scope,
        scope_id: memory.scope_id,
        memory_type: 'conversation' as const,
        content_text: `User: ${queued.input_text}\nAssistant: ${answer}`.slice(0, MAX_MEMORY_TEXT),
        importance_score: importance,
        metadata_json: { agent_run_id: run_id },
      };
      const provenance = { run_id, agent_id: queued.agent_id, position: event.globalposition };
      try {
        await writeMemory(memories, { workspaceId: event.workspaceid, memoryId: uuidFrom('agent-run-memory', run_id), body, provenance }, (memoryStream, command) =>
          sendCommand(store, memoryDecider, memoryStream, command, ctx.commandContext('memory'), { newStream: true }),
        );
      } catch (error) {
        if (!(error instanceof ConflictError) || error.code !== 'MEMORY_FORGOTTEN') throw error;
      }
    },
  };
};
