import { expect } from 'chai';
import { AgentRunOutcome, AgentRunView } from './agent-runs.js';

describe('agent-run contracts', () => {
  it('takes every field of an outcome but position from the run view, so the two cannot drift apart', () => {
    const { position: _own, ...repeated } = AgentRunOutcome.shape;
    expect(Object.keys(repeated)).to.have.length(17);
    const view: Record<string, unknown> = AgentRunView.shape;
    for (const [field, schema] of Object.entries(repeated)) expect(schema, field).to.equal(view[field]);
  });
});
