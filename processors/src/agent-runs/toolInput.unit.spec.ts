import { expect } from 'chai';
import { inputProblem } from './toolInput.js';

const ORDER = { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] };

describe("checking a model's tool input against the tool's input schema", () => {
  it('accepts input that fits', () => {
    expect(inputProblem('v-fit', ORDER, { order_id: '1' })).to.equal(undefined);
  });
  it('says what does not fit', () => {
    expect(inputProblem('v-missing', ORDER, {})).to.equal("input_json must have required property 'order_id'");
    expect(inputProblem('v-type', ORDER, { order_id: 7 })).to.equal('input_json/order_id must be string');
  });
  it('checks nothing against a schema it cannot use, such as the seed\'s bare property map', () => {
    expect(inputProblem('v-seed', { query: { type: 'string' } }, { anything: 1 })).to.equal(undefined);
    expect(inputProblem('v-broken', { type: 'no-such-type' }, {})).to.equal(undefined);
  });
});
