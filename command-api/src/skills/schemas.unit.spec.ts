import { expect } from 'chai';
import { jsonSchemaOf, schemaIssues, schemaProblem } from './schemas.js';

describe('skill schemas', () => {
  it("reads the seed's field map as an object whose fields are required unless they say otherwise", () =>
    expect(jsonSchemaOf({ name: { type: 'string' }, age: { type: 'integer', required: false } })).to.deep.equal({
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer' } },
      required: ['name'],
    }));

  it('takes a full JSON Schema as it is', () => {
    const schema = { type: 'object', properties: { q: { type: 'string' } }, additionalProperties: false };
    expect(jsonSchemaOf(schema)).to.equal(schema);
  });

  it('names each wrong or missing field under the given field', () => {
    const map = { name: { type: 'string' }, count: { type: 'integer' } };
    expect(schemaIssues('k1', map, { name: 'Lucas', count: 2 }, 'body.input_json')).to.deep.equal([]);
    const fields = schemaIssues('k1', map, { name: 3 }, 'body.input_json').map((i) => i.field);
    expect(fields).to.have.members(['body.input_json.name', 'body.input_json.count']);
  });

  it('checks nothing against an empty schema', () => expect(schemaIssues('k2', {}, { anything: true }, 'body.input_json')).to.deep.equal([]));

  it('finds a schema no input could be checked against', () => {
    expect(schemaProblem({ name: 'string' })).to.be.a('string');
    expect(schemaProblem({ type: 'object', properties: { n: { type: 'no-such-type' } } })).to.be.a('string');
    expect(schemaProblem({ name: { type: 'string' } })).to.equal(undefined);
  });
});
