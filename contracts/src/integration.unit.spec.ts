import { expect } from 'chai';
import { categoryOf, eventCatalog, integrationStreamId, integrationTypeOf, isIntegrationType, publishedTypeOf } from './index.js';

describe('integration events: their own type namespace and workspace-scoped streams', () => {
  it('stores an outsider\'s AgentRunQueued as a type no platform event has, and publishes it as AgentRunQueued', () => {
    const stored = integrationTypeOf('AgentRunQueued');
    expect(stored).to.equal('integration.AgentRunQueued');
    expect(eventCatalog.map((c) => c.type)).not.to.include(stored);
    expect(categoryOf(stored)).to.equal('integration');
    expect(publishedTypeOf(stored)).to.equal('AgentRunQueued');
  });

  it('leaves every platform type outside the namespace, published as it is stored', () => {
    for (const { type } of eventCatalog) {
      expect(isIntegrationType(type), type).to.equal(false);
      expect(publishedTypeOf(type)).to.equal(type);
    }
  });

  it('names a different stream for each workspace, and for parts that would join to the same text', () => {
    const ids = [
      integrationStreamId('ws-a', 'order', '1'),
      integrationStreamId('ws-b', 'order', '1'),
      integrationStreamId('ws-a', 'order:1', ''),
      integrationStreamId('ws-a:order', '1', ''),
      integrationStreamId('ws-a', 'order', '1:x'),
      integrationStreamId('ws-a', 'order:1', 'x'),
    ];
    expect(new Set(ids).size).to.equal(ids.length);
    expect(ids[0]).to.equal('integration-ws-a:order:1');
  });
});
