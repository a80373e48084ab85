import type { KnowledgeRef, RunCitation } from '@agent-platform/contracts';
import type { DataKeys, Knex } from '@agent-platform/infra';
import { knowledgeReader } from '@agent-platform/projectors/readers';

/**
 * A base's best chunks for a query, in one workspace: the knowledge read model's search with the query
 * embedded, which the composition root builds (it owns the embeddings and the vector index). Ids and
 * scores are all a run keeps of a hit.
 */
export type KnowledgeSearch = (
  workspaceId: string,
  search: { knowledge_base_id: string; query: string; top_k: number },
) => Promise<Omit<RunCitation, 'knowledge_base_id'>[]>;

/** A cited chunk's text, as the prompt is given it. */
export type CitedChunk = { chunk_id: string; document_id: string; document_title: string; content_text: string };

/** What a run uses of the knowledge domain: the chunks it cites for its input, and their text by id when its prompt is sent. */
export type RunKnowledge = {
  cite: (workspaceId: string, refs: readonly KnowledgeRef[], query: string) => Promise<RunCitation[]>;
  /** The chunks still readable, in the order asked: one whose document was deleted (or its key destroyed) is left out. */
  chunks: (workspaceId: string, citations: readonly RunCitation[]) => Promise<CitedChunk[]>;
};

/** A run's knowledge: searched through the port, read back from the chunks read model, and only while the document's key lives. */
export const createRunKnowledge = (knex: Knex, { search, dataKeys }: { search: KnowledgeSearch; dataKeys: DataKeys }): RunKnowledge => ({
  cite: async (workspaceId, refs, query) => {
    // Each base is searched at once: planning is on every run's critical path.
    const found = await Promise.all(refs.map((ref) => search(workspaceId, { knowledge_base_id: ref.knowledge_base_id, query, top_k: ref.top_k })));
    return refs.flatMap((ref, index) =>
      found[index]!.map(({ document_id, chunk_id, chunk_index, score }) => ({ knowledge_base_id: ref.knowledge_base_id, document_id, chunk_id, chunk_index, score })),
    );
  },
  chunks: async (workspaceId, citations) => {
    const documents = [...new Set(citations.map((c) => c.document_id))];
    // The key is destroyed before the delete is recorded, so checking it leaves out a document the read model has not yet let go.
    const [found, keys] = await Promise.all([
      knowledgeReader.findChunks(knex, workspaceId, citations.map((c) => c.chunk_id)),
      Promise.all(documents.map((id) => dataKeys.getKey({ workspaceId, subject: `document:${id}` }))),
    ]);
    const live = new Set(documents.filter((_, index) => keys[index]!.state === 'live'));
    const byId = new Map(found.filter((c) => live.has(c.document_id)).map((c) => [c.chunk_id, c]));
    return citations.flatMap((c) => (byId.has(c.chunk_id) ? [byId.get(c.chunk_id)!] : []));
  },
});

/** A PlanError's code when a version names knowledge bases and the process cannot search them. */
export const KNOWLEDGE_UNAVAILABLE = 'KNOWLEDGE_UNAVAILABLE';

/**
 * The system message that gives the model the chunks the run cites, made when it is sent; none when none
 * is left. Each names its document's title, so the model can say where an answer comes from.
 */
export const knowledgeMessage = async (knowledge: RunKnowledge | undefined, workspaceId: string, citations: readonly RunCitation[]): Promise<string | undefined> => {
  if (!knowledge || !citations.length) return undefined;
  const chunks = await knowledge.chunks(workspaceId, citations);
  if (!chunks.length) return undefined;
  return [
    'Knowledge: passages from your knowledge bases, most relevant first. Use them to answer, and cite the document title of what you use.',
    ...chunks.map((c, index) => `[${index + 1}] ${c.document_title}\n${c.content_text}`),
  ].join('\n\n');
};
