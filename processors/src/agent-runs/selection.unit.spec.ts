import { expect } from 'chai';
import { CreateAgentVersionBody } from '@agent-platform/contracts';
import { skillSelection, toolSelection } from './selection.js';

const refsOf = (body: Record<string, unknown>) => CreateAgentVersionBody.parse({ agent_id: '8293a4b5-c6d7-4e8f-8b9c-adbecfd0e1f2', ...body });
const tool = (ref: Record<string, unknown>) => refsOf({ tool_refs: [{ tool_code: 'lookup_order', ...ref }] }).tool_refs[0]!;
const skill = (ref: Record<string, unknown>) => refsOf({ skill_refs: [{ skill_code: 'summarize', ...ref }] }).skill_refs[0]!;

describe('tool and skill selection (the seed rules)', () => {
  it('selects a tool that is required, auto-invoked, or whose keyword is in the input (any case)', () => {
    expect(toolSelection(tool({ required: true }), 'hi', false)).to.equal('required');
    expect(toolSelection(tool({ config_json: { auto_invoke: true } }), 'hi', false)).to.equal('auto_invoke');
    expect(toolSelection(tool({ selection_keywords: ['Order'] }), 'where is my order?', false)).to.equal('keyword');
  });
  it('leaves any other tool out of a run without ReAct, and offers it to the model of a ReAct run', () => {
    expect(toolSelection(tool({ selection_keywords: ['refund'] }), 'where is my order?', false)).to.equal(undefined);
    expect(toolSelection(tool({}), 'where is my order?', true)).to.equal('react');
  });
  it('selects a skill by default, not when auto_invoke is false, and by keyword regardless', () => {
    expect(skillSelection(skill({}), 'hi')).to.equal('default');
    expect(skillSelection(skill({ config_json: { auto_invoke: false } }), 'hi')).to.equal(undefined);
    expect(skillSelection(skill({ config_json: { auto_invoke: false }, selection_keywords: ['summary'] }), 'a summary please')).to.equal('keyword');
  });
});
