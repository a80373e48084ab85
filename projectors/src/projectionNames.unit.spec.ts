import { expect } from 'chai';
import { ProjectionName } from '@agent-platform/contracts';
import { projectors } from './index.js';
import { projectorOf } from './projector.js';

describe('projection names', () => {
  it('registers one projector under each projection name, so no query waits for a projection nobody writes', () => {
    expect(projectors.map((p) => p.name).sort()).to.deep.equal([...ProjectionName.options].sort());
  });

  it('refuses a misspelt projection name when type-checked', () => {
    // @ts-expect-error 'agent-run' is no projection name; `tsc -b` fails here if a projector's name is a bare string again.
    expect(projectorOf('agent-run', [], {}).name).to.equal('agent-run');
  });
});
