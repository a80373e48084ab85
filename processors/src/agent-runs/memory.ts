import type { AgentVersionDefinition, MemoryScopeType, RunMemory } from '@agent-platform/contracts';
import { memorySubjectOf, type MemoryServices } from '@agent-platform/command-api/commands';
import { embeddingModelOf, type Knex } from '@agent-platform/infra';
import { memoriesReader } from '@agent-platform/projectors/readers';
import type { Definitions } from './definitions.js';

/** What a run uses of the memories domain: a scope's best memories for its input, and the text of memories by id. */
export type RunMemories = {
  search: (workspaceId: string, scope: { scope_type: MemoryScopeType; scope_id: string }, query: string, limit: number) => Promise<RunMemory['read_memories']>;
  /** The text of those memories still readable, in the order asked: a memory forgotten (its key destroyed) is left out. */
  texts: (workspaceId: string, memoryIds: readonly string[]) => Promise<string[]>;
};

/** A run's memories from the memories read model, with the query embedded by the process's embedding provider. */
export const createRunMemories = (knex: Knex, { dataKeys, embeddings }: MemoryServices): RunMemories => ({
  search: async (workspaceId, scope, query, limit) => {
    const embedded = await embeddings.embed([query]);
    const hits = await memoriesReader.searchMemories(knex, workspaceId, { ...scope, query, limit }, {
      vector: Array.from(embedded.vectors[0]!),
      model: embeddingModelOf(embedded),
    });
    return hits.map((hit) => ({ memory_id: hit.id, score: hit.score }));
  },
  texts: async (workspaceId, memoryIds) => {
    // The key is destroyed before the forget is recorded, so checking it leaves out a memory the read model has not yet let go.
    const [found, keys] = await Promise.all([
      memoriesReader.findMemories(knex, workspaceId, memoryIds),
      Promise.all(memoryIds.map((id) => dataKeys.getKey({ workspaceId, subject: memorySubjectOf(id) }))),
    ]);
    const live = new Set(memoryIds.filter((_, index) => keys[index]!.state === 'live'));
    const byId = new Map(found.filter((m) => live.has(m.id)).map((m) => [m.id, m.content_text]));
    return memoryIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  },
});

type Policy = AgentVersionDefinition['memory_policy'];
type Request = { workspaceId: string; agentId: string; sessionId: string; input: string; teamRunId: string | null };

/** The scope's id for this run: its session's, its session's user's, its agent's, its team's; undefined for a session not found, or a team scope outside a team run. */
const scopeIdOf = async (definitions: Definitions, policy: Policy, run: Request): Promise<string | undefined> => {
  switch (policy.memory_scope) {
    case 'session':
      return run.sessionId;
    case 'user':
      return definitions.sessionUser(run.sessionId);
    case 'agent':
      return run.agentId;
    case 'team':
      // A team's member runs share the team's memories; a run of its own has no team to remember for.
      return run.teamRunId ? definitions.teamOfRun(run.teamRunId) : undefined;
  }
};

/**
 * What a run does about memory, decided once when it is planned: the memories it read, by id and score
 * (their text is never in the plan, which the log keeps in clear), and whether it writes one when it completes.
 */
export const planMemory = async (definitions: Definitions, memories: RunMemories | undefined, policy: Policy, run: Request): Promise<RunMemory> => {
  const plan = { memory_scope: policy.memory_scope, scope_id: null, read_top_k: policy.read_top_k, read_count: 0, read_memories: [], note: null };
  if (!policy.enabled && !policy.write_enabled) return { ...plan, read: 'disabled', write: 'disabled' };
  if (!memories) {
    // Said in the run, so nobody mistakes an empty read for "nothing relevant was remembered".
    const note = 'memory is not available in this process: nothing was read or written';
    return { ...plan, read: policy.enabled ? 'unavailable' : 'disabled', write: policy.write_enabled ? 'unavailable' : 'disabled', note };
  }
  const scopeId = await scopeIdOf(definitions, policy, run);
  if (scopeId === undefined) {
    const note = policy.memory_scope === 'team' ? (run.teamRunId ? `the run's team run ${run.teamRunId} was not found` : 'team memory is read and written by the member runs of a team run, and this run is of no team') : `the run's session ${run.sessionId} was not found`;
    return { ...plan, read: policy.enabled ? 'skipped' : 'disabled', write: policy.write_enabled ? 'skipped' : 'disabled', note: `${note}: nothing was read or written` };
  }
  const read = policy.enabled && policy.read_top_k > 0 ? await memories.search(run.workspaceId, { scope_type: policy.memory_scope, scope_id: scopeId }, run.input, policy.read_top_k) : [];
  return {
    ...plan,
    scope_id: scopeId,
    read: policy.enabled ? 'read' : 'disabled',
    write: policy.write_enabled ? 'pending' : 'disabled',
    read_count: read.length,
    read_memories: read,
  };
};

/** The system message that gives the model the memories the run read, made when it is sent; none when none is left. */
export const memoryMessage = async (memories: RunMemories | undefined, workspaceId: string, memory: RunMemory): Promise<string | undefined> => {
  if (!memories || !memory.read_memories.length) return undefined;
  const texts = await memories.texts(workspaceId, memory.read_memories.map((m) => m.memory_id));
  return texts.length ? `What you remember (${memory.memory_scope} memory), most relevant first:\n${texts.map((t) => `- ${t}`).join('\n')}` : undefined;
};
