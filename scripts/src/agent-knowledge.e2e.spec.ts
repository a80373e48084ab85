import { expect } from 'chai';
import { createLogger, createPool, loadConfig } from '@agent-platform/infra';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from '@agent-platform/infra/testing';
import { openDataKeys } from './dataKeys.js';
import { describeOnPlatform, eventually, minPosition, sessionBody, TEST_ENV, workspaceClient } from './testing/server.js';

/**
 * An agent's knowledge_refs end to end: a run searches the version's bases for its input, its prompt (seen
 * at a scripted OpenAI-compatible server) gets the chunks' text with their documents' titles, and the log
 * records only which chunks it cites, so a deleted document's text is in no prompt after, and its title
 * goes from the run's view.
 */
let model: ScriptedOpenAiServer;
before(async () => {
  model = await startScriptedOpenAiServer();
});
after(async () => model?.close());

const REFUND = 'Refunds are available within seven days for eligible orders.';
/** The seed's knowledge examples, and two documents the question is not about. */
const DOCUMENTS = [
  { title: 'Shipping', content_text: 'Orders ship within two business days. Tracking numbers are sent by email.' },
  { title: 'Passwords', content_text: 'To reset your password, open the login page and choose forgot password.' },
  { title: 'Refund Policy', content_text: REFUND },
];
type Citation = { knowledge_base_id: string; document_id: string; chunk_id: string; chunk_index: number; score: number; document_title: string | null };

describeOnPlatform(
  'agent knowledge: runs cite the chunks of their knowledge bases',
  (server, databaseUrl) => {
    const { call, ok, headers } = workspaceClient(server, [200, 201, 202]);
    beforeEach(() => {
      model.requests.length = 0;
    });

    /** The seed's support base with its documents, once every one is indexed. */
    const supportBase = async () => {
      const base = (await ok('POST', '/knowledge/bases', { code: 'support_kb', name: 'Support Knowledge Base' })).id as string;
      const ids: Record<string, string> = {};
      for (const document of DOCUMENTS) {
        const added = await ok('POST', '/knowledge/documents', { knowledge_base_id: base, source_type: 'text', ...document });
        ids[document.title] = added.id as string;
        await eventually(async () => {
          const read = await call('GET', `/knowledge/documents/${String(added.id)}`, undefined, minPosition(added.position as number));
          expect(read.body.status).to.equal('indexed');
        }, 20_000);
      }
      return { base, refund: ids['Refund Policy']! };
    };
    const agentOn = async (base: string, top_k = 3) => {
      const agent = await ok('POST', '/agents', { code: 'kb_agent', name: 'Knows things', agent_type: 'assistant' });
      await ok('POST', '/agents/versions', {
        agent_id: agent.id,
        status: 'published',
        system_prompt: 'You answer support questions.',
        model_config: { model: 'gpt-test' },
        knowledge_refs: [{ knowledge_base_id: base, top_k }],
      });
      return agent.id as string;
    };
    const run = async (agentId: string, input: string, reply: string) => {
      model.enqueue({ message: { content: reply } });
      const session = (await ok('POST', '/sessions', sessionBody())).id as string;
      const queued = await ok('POST', '/agents/runs', { agent_id: agentId, session_id: session, input_text: input, auto_execute: false });
      const outcome = await call('POST', `/agents/runs/${queued.id}/execute`, { worker_key: 'test-worker' });
      expect(outcome.body, JSON.stringify(outcome.body)).to.deep.include({ status: 'completed', output_text: reply });
      return { runId: queued.id as string, position: outcome.body.position as number };
    };
    const viewOf = async (runId: string, position: number) => {
      const view = await call('GET', `/agents/runs/${runId}`, undefined, minPosition(position));
      expect(view.status, JSON.stringify(view.body)).to.equal(200);
      return view.body as { citations: Citation[] };
    };
    const lastPrompt = () => {
      const chats = model.requests.filter((r) => r.path === '/v1/chat/completions');
      return (chats.at(-1)!.body as { messages: { role: string; content: string }[] }).messages;
    };
    const knowledgeMessages = () => lastPrompt().filter((m) => m.role === 'system' && m.content.startsWith('Knowledge:'));
    const streamOf = async (runId: string) => JSON.stringify((await call('GET', `/streams/agentrun-${runId}`)).body.events);

    it('puts the best chunks with their titles into the prompt, cites them on the run, and lets a deleted document go from both', async () => {
      const { base, refund } = await supportBase();
      const agentId = await agentOn(base);

      const first = await run(agentId, 'Can I get a refund within seven days?', 'Yes, within seven days (Refund Policy).');
      const [knowledge] = knowledgeMessages();
      expect(knowledge?.content, JSON.stringify(lastPrompt())).to.include(`[1] Refund Policy\n${REFUND}`);
      // After the system prompt, before the question.
      expect(lastPrompt().map((m) => m.role)).to.deep.equal(['system', 'system', 'user']);
      const { citations } = await viewOf(first.runId, first.position);
      expect(citations.length).to.be.within(1, 3);
      expect(citations[0]).to.deep.include({ knowledge_base_id: base, document_id: refund, chunk_id: `${refund}:0`, chunk_index: 0, document_title: 'Refund Policy' });
      expect(citations[0]!.score).to.be.greaterThan(0);
      expect(citations.map((c) => c.score)).to.deep.equal([...citations.map((c) => c.score)].sort((a, b) => b - a));
      // `within seven days for` holds spaces, which neither an id nor a ciphertext does: only the chunk's text could put it there.
      expect(await streamOf(first.runId)).not.to.include('within seven days for');

      const deleted = await ok('DELETE', `/knowledge/documents/${refund}`);
      const after = await viewOf(first.runId, deleted.position as number);
      expect(after.citations[0]).to.deep.include({ document_id: refund, document_title: null });
      expect(after.citations.slice(1).every((c) => c.document_title !== null)).to.equal(true);

      const second = await run(agentId, 'Can I get a refund within seven days?', 'I cannot say.');
      expect((await viewOf(second.runId, second.position)).citations.map((c) => c.document_id)).not.to.include(refund);
      expect(JSON.stringify(lastPrompt())).not.to.include(REFUND);
    });

    it('still runs a version whose knowledge base was deleted since, citing nothing', async () => {
      const { base } = await supportBase();
      const agentId = await agentOn(base);
      const deleted = await ok('DELETE', `/knowledge/bases/${base}`);
      // Once the read model has let the base go (before, its chunks' keys are already destroyed: the spec below).
      expect((await call('GET', `/knowledge/bases/${base}`, undefined, minPosition(deleted.position as number))).status).to.equal(404);
      const { runId, position } = await run(agentId, 'Can I get a refund within seven days?', 'I cannot say.');
      expect((await viewOf(runId, position)).citations).to.deep.equal([]);
      expect(knowledgeMessages()).to.deep.equal([]);
    });

    it('leaves out of the prompt a chunk whose document key is destroyed, before the read model has let it go', async () => {
      const { base, refund } = await supportBase();
      const agentId = await agentOn(base, 1);
      // What a delete does first, without the event that lets the read model go of the document.
      const pool = createPool(databaseUrl(), 1);
      try {
        const config = loadConfig({ ...TEST_ENV, AGENT_PLATFORM_DATABASE_URL: databaseUrl() });
        const dataKeys = await openDataKeys(config, pool, { embedded: false }, createLogger('silent'));
        await dataKeys.destroyKey({ workspaceId: headers()['x-workspace-id']!, subject: `document:${refund}` });
      } finally {
        await pool.end();
      }
      const { runId, position } = await run(agentId, 'Can I get a refund within seven days?', 'I cannot say.');
      expect((await viewOf(runId, position)).citations.map((c) => c.document_id)).to.deep.equal([refund]);
      expect(knowledgeMessages()).to.deep.equal([]);
      expect(JSON.stringify(lastPrompt())).not.to.include(REFUND);
    });
  },
  { env: () => ({ AGENT_PLATFORM_PROVIDER_BASE_URL: model.baseURL, AGENT_PLATFORM_PROVIDER_API_KEY: 'test-key' }) },
);
