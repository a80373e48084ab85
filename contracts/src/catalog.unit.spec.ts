import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { eventCatalog, schemaVersionOf } from './index.js';

describe('event catalog', () => {
  it('documents every event type with its current version in EVENTS.md', () => {
    const doc = readFileSync(new URL('../EVENTS.md', import.meta.url), 'utf8');
    for (const contract of eventCatalog) {
      expect(doc, `EVENTS.md should have a row for ${contract.type}`).to.match(
        new RegExp(`\\| \`${contract.type}\` \\| ${contract.version} \\|`),
      );
    }
  });

  it('has one contract per type, and an upcaster for every version below the current one', () => {
    const types = eventCatalog.map((c) => c.type);
    expect(new Set(types).size).to.equal(types.length);
    for (const contract of eventCatalog) {
      for (let v = 1; v < contract.version; v++) expect(contract.upcasters[v], `${contract.type} v${v}`).to.be.a('function');
    }
  });

  it('writes new events at the current version, and types outside the catalog at 1', () => {
    for (const contract of eventCatalog) expect(schemaVersionOf(contract.type)).to.equal(contract.version);
    expect(schemaVersionOf('SomeIntegrationEvent')).to.equal(1);
  });
});
