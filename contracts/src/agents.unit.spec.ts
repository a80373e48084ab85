import { expect } from 'chai';
import { AgentVersionCreated, CreateAgentVersionBody, MAX_KNOWLEDGE_REFS } from './agents.js';

/** A version as version 1 of the event recorded it: no knowledge bases. */
const createdV1 = {
  agent_id: '5f0c8a4e-8a0b-4d35-9d37-4a8f3c2c1e01',
  version_id: '6a1d9b5f-9b1c-4e46-8e48-5b9a4d3d2f12',
  version_no: 1,
  role: null,
  goal: null,
  system_prompt: 'You help.',
  model_config: { react_enabled: false, react_max_steps: 5 },
  memory_policy: { enabled: false, memory_scope: 'session', read_top_k: 5, write_enabled: false, config_json: {} },
  tool_refs: [],
  skill_refs: [],
};
const baseId = (n: number) => `0b6d1f7e-2c3a-4b5d-9e8f-7a6b5c4d3e${String(n).padStart(2, '0')}`;
const versionBody = (knowledge_refs: unknown) => ({ agent_id: createdV1.agent_id, knowledge_refs });

describe('agent contracts', () => {
  describe('AgentVersionCreated version 2', () => {
    it('lifts a version 1 version to one that searches no knowledge base, keeping everything it said', () => {
      const lifted = AgentVersionCreated.upcasters[1]!(createdV1);
      expect(lifted).to.deep.equal({ ...createdV1, knowledge_refs: [] });
    });
  });

  describe('AgentVersionCreated version 3', () => {
    const createdV2 = {
      ...createdV1,
      knowledge_refs: [],
      tool_refs: [{ tool_code: 'lookup_order', required: true, selection_keywords: [], config_json: {} }],
      skill_refs: [{ skill_code: 'summarize', selection_keywords: [], config_json: {} }],
    };
    it('is at version 3, and lifts a version 2 version to one whose refs need no approval and whose runs ask nobody, keeping everything it said', () => {
      expect(AgentVersionCreated.version).to.equal(3);
      const lifted = AgentVersionCreated.upcasters[2]!(createdV2);
      expect(lifted).to.deep.equal({
        ...createdV2,
        model_config: { ...createdV2.model_config, ask_human_enabled: false },
        tool_refs: [{ ...createdV2.tool_refs[0], requires_approval: false }],
        skill_refs: [{ ...createdV2.skill_refs[0], requires_approval: false }],
      });
      expect(AgentVersionCreated.schema.parse(lifted)).to.deep.equal(lifted);
    });

    it('takes requires_approval on a tool or skill ref, false unless set', () => {
      const parsed = CreateAgentVersionBody.parse({ agent_id: createdV1.agent_id, tool_refs: [{ tool_code: 'a', requires_approval: true }, { tool_code: 'b' }], skill_refs: [{ skill_code: 'c', requires_approval: true }] });
      expect(parsed.tool_refs.map((r) => r.requires_approval)).to.deep.equal([true, false]);
      expect(parsed.skill_refs.map((r) => r.requires_approval)).to.deep.equal([true]);
      expect(parsed.model_config.ask_human_enabled).to.equal(false);
    });
  });

  describe('knowledge_refs', () => {
    it('takes a base id and a top_k of 1 to 20, 3 by default', () => {
      const parsed = CreateAgentVersionBody.parse(versionBody([{ knowledge_base_id: baseId(1).toUpperCase() }, { knowledge_base_id: baseId(2), top_k: 20 }]));
      expect(parsed.knowledge_refs).to.deep.equal([
        { knowledge_base_id: baseId(1), top_k: 3 },
        { knowledge_base_id: baseId(2), top_k: 20 },
      ]);
      expect(CreateAgentVersionBody.parse(versionBody(undefined)).knowledge_refs).to.deep.equal([]);
    });

    it('refuses a top_k outside 1–20, an id that is no uuid, the same base twice, and more than the maximum of refs', () => {
      for (const refs of [
        [{ knowledge_base_id: baseId(1), top_k: 0 }],
        [{ knowledge_base_id: baseId(1), top_k: 21 }],
        [{ knowledge_base_id: 'refund-policy' }],
        [{ knowledge_base_id: baseId(1) }, { knowledge_base_id: baseId(1), top_k: 5 }],
        Array.from({ length: MAX_KNOWLEDGE_REFS + 1 }, (_, n) => ({ knowledge_base_id: baseId(n) })),
      ]) {
        const result = CreateAgentVersionBody.safeParse(versionBody(refs));
        expect(result.success, JSON.stringify(refs)).to.equal(false);
        expect(result.error!.issues[0]!.path[0], JSON.stringify(refs)).to.equal('knowledge_refs');
      }
      expect(CreateAgentVersionBody.safeParse(versionBody(Array.from({ length: MAX_KNOWLEDGE_REFS }, (_, n) => ({ knowledge_base_id: baseId(n) })))).success).to.equal(true);
    });
  });
});
