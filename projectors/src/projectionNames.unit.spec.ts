import { expect } from 'chai';
import { projectorOf } from './projector.js';

describe('projection names', () => {
  it('refuses a misspelt projection name when type-checked', () => {
    // @ts-expect-error 'agent-run' is no projection name; `tsc -b` fails here if a projector's name is a bare string again.
    expect(projectorOf('agent-run', [], {}).name).to.equal('agent-run');
  });
});
