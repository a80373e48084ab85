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
    expect(Object.keys(repeated)).to.have.length(17);
    const view: Record<string, unknown> = AgentRunView.shape;
    for (const [field, schema] of Object.entries(repeated)) expect(schema, field).to.equal(view[field]);
  });

  describe('AgentRunPrepared version 2', () => {
    it('does not take a version 1 plan as it is: it lacks the memories read and the scope id', () => {
      expect(AgentRunPrepared.version).to.equal(2);
      expect(AgentRunPrepared.schema.safeParse(preparedV1).success).to.equal(false);
    });

    it('lifts a version 1 plan to one that read nothing, keeping everything it said', () => {
      const lifted = AgentRunPrepared.schema.parse(AgentRunPrepared.upcasters[1]!(preparedV1));
      expect(lifted).to.deep.equal({ ...preparedV1, memory: { ...preparedV1.memory, scope_id: null, read_memories: [] } });
    });

    it('records the memories a run read by id and score, and nothing else of them', () => {
      const memory = { ...preparedV1.memory, read: 'read', scope_id: 'sess-1', read_count: 1, note: null };
      const read = { memory_id: '7d1f6c1a-3b4e-4c5d-8e9f-0a1b2c3d4e5f', score: 0.71 };
      const parsed = AgentRunPrepared.schema.parse({ ...preparedV1, memory: { ...memory, read_memories: [{ ...read, content_text: 'My locker code is 8841.' }] } });
      expect(parsed.memory.read_memories).to.deep.equal([read]);
    });
  });
});
