import { createConsistency } from './consistency.js';

describe('read-your-writes', () => {
  it('waits only for projections by name: a misspelt one is a type error, not a read that answers 503 once deployed', async () => {
    const consistency = createConsistency({ knex: null as never, store: null as never, timeoutMs: 0 });
    const noPositionAsked = { headers: {}, query: {} };
    // @ts-expect-error 'agent-run' is no projection name; `tsc -b` fails here if the names are bare strings again.
    await consistency.awaitPosition(noPositionAsked, ['agent-run']);
  });
});
