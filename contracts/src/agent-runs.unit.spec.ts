import { expect } from 'chai';
import { AgentRunOutcome, AgentRunPrepared, AgentRunView } from './agent-runs.js';

/** A plan as version 1 recorded it: memory said `unavailable`, with no scope id and no memories read. */
const preparedV1 = {
  run_id: '5f0c8a4e-8a0b-4d35-9d37-4a8f3c2c1e01',
  dry_run: false,
  model: 'local-react',
  temperature: null,
  max_tokens: null,
  react_enabled: false,
  react_max_steps: 1,
  messages: [{ role: 'user', content: 'Where is order 1?' }],
  selected_tool_refs: [],
  selected_skill_refs: [],
  memory: { read: 'unavailable', write: 'unavailable', memory_scope: 'session', read_top_k: 5, read_count: 0, note: 'memory search is not available yet: nothing was read or written' },
};

describe('agent-run contracts', () => {
  it('takes every field of an outcome but position from the run view, so the two cannot drift apart', () => {
    const { position: _own, ...repeated } = AgentRunOutcome.shape;
    expect(Object.keys(repeated)).to.have.length(18);
    const view: Record<string, unknown> = AgentRunView.shape;
    for (const [field, schema] of Object.entries(repeated)) expect(schema, field).to.equal(view[field]);
  });

  describe('AgentRunPrepared version 2', () => {
    it('lifts a version 1 plan to one that read nothing, keeping everything it said', () => {
      const lifted = AgentRunPrepared.upcasters[1]!(preparedV1);
      expect(lifted).to.deep.equal({ ...preparedV1, memory: { ...preparedV1.memory, scope_id: null, read_memories: [] } });
    });

    it('records the memories a run read by id and score, and nothing else of them', () => {
      const memory = { ...preparedV1.memory, read: 'read', scope_id: 'sess-1', read_count: 1, note: null };
      const read = { memory_id: '7d1f6c1a-3b4e-4c5d-8e9f-0a1b2c3d4e5f', score: 0.71 };
      const parsed = AgentRunPrepared.schema.parse({ ...preparedV1, memory: { ...memory, read_memories: [{ ...read, content_text: 'My locker code is 8841.' }] }, citations: [], ask_human_enabled: false });
      expect(parsed.memory.read_memories).to.deep.equal([read]);
    });
  });

  describe('AgentRunPrepared version 3', () => {
    const preparedV2 = AgentRunPrepared.upcasters[1]!(preparedV1) as Record<string, unknown>;
    const citation = {
      knowledge_base_id: '0b6d1f7e-2c3a-4b5d-9e8f-7a6b5c4d3e2f',
      document_id: '1c7e2a8f-3d4b-4c6e-8f9a-8b7c6d5e4f3a',
      chunk_id: '1c7e2a8f-3d4b-4c6e-8f9a-8b7c6d5e4f3a:0',
      chunk_index: 0,
      score: 0.82,
    };

    it('does not take a version 2 plan as it is: it lacks the citations', () => {
      expect(AgentRunPrepared.schema.safeParse({ ...preparedV2, ask_human_enabled: false }).success).to.equal(false);
    });

    it('lifts a version 2 plan, and through it a version 1 plan, to one that cites nothing, keeping everything it said', () => {
      const lifted = AgentRunPrepared.upcasters[2]!(preparedV2);
      expect(lifted).to.deep.equal({ ...preparedV2, citations: [] });
    });

    it('records the chunks a run cites by id and score, and never their text', () => {
      const parsed = AgentRunPrepared.schema.parse({ ...preparedV2, ask_human_enabled: false, citations: [{ ...citation, content_text: 'Refunds within seven days.', document_title: 'Refunds' }] });
      expect(parsed.citations).to.deep.equal([citation]);
    });
  });

  describe('AgentRunPrepared version 4', () => {
    const tool = { tool_id: '2c8f3b9a-4e5c-4d7f-9a0b-9c8d7e6f5a4b', tool_version_id: '3d9a4c0b-5f6d-4e8a-8b1c-0d9e8f7a6b5c', tool_code: 'lookup_order', tool_type: 'http', description: null, input_schema_json: {}, selected_by: 'required' };
    const skill = { skill_id: null, skill_code: 'summarize', skill_version_id: null, selected_by: 'default' };
    const preparedV3 = { ...(AgentRunPrepared.upcasters[2]!(AgentRunPrepared.upcasters[1]!(preparedV1)) as object), selected_tool_refs: [tool], selected_skill_refs: [skill] };

    it('is at version 4, and does not take a version 3 plan as it is: it does not say whether its model may ask a person', () => {
      expect(AgentRunPrepared.version).to.equal(4);
      expect(AgentRunPrepared.schema.safeParse(preparedV3).success).to.equal(false);
    });

    it('lifts a version 3 plan to one whose calls need no approval and whose model asks nobody, keeping everything it said', () => {
      const lifted = AgentRunPrepared.upcasters[3]!(preparedV3);
      expect(lifted).to.deep.equal({ ...preparedV3, ask_human_enabled: false, selected_tool_refs: [{ ...tool, requires_approval: false }], selected_skill_refs: [{ ...skill, requires_approval: false }] });
      expect(AgentRunPrepared.schema.parse(lifted)).to.deep.equal(lifted);
    });
  });
});
