import { expect } from 'chai';
import { actionOf } from './actions.js';

const same = (name: string) => name;
const text = (content: string | null) => actionOf({ content, tool_calls: [] }, same);

describe('reading a model answer as the next action', () => {
  it('reads JSON actions, also inside a fence or a sentence', () => {
    expect(text('{"action":"tool","tool_code":"lookup_order","input_json":{"order_id":"1"}}')).to.deep.equal({
      kind: 'tools',
      calls: [{ code: 'lookup_order', input: { order_id: '1' }, toolCallId: null }],
    });
    expect(text('```json\n{"action":"finish","answer":"done"}\n```')).to.deep.equal({ kind: 'finish', answer: 'done' });
  });
  it('takes prose as the final answer', () => {
    expect(text('Order 1 has shipped.')).to.deep.equal({ kind: 'finish', answer: 'Order 1 has shipped.' });
    expect(text(null)).to.deep.equal({ kind: 'finish', answer: '' });
  });
  it('calls a malformed action invalid, saying what is wrong', () => {
    expect(text('{"action": "tool", "tool_code": ')).to.deep.include({ kind: 'invalid' });
    expect(text('{"action":"finish"}')).to.deep.equal({ kind: 'invalid', error: 'a finish action needs a string "answer"' });
    expect(text('{"action":"tool","tool_code":"x","input_json":[1]}')).to.deep.equal({ kind: 'invalid', error: '"input_json" must be a JSON object' });
    expect(text('{"action":"dance"}')).to.deep.equal({ kind: 'invalid', error: '"action" must be "tool" or "finish"' });
  });
  it('reads native tool calls, mapping function names back to tool codes; bad arguments fail that call alone', () => {
    const action = actionOf(
      {
        content: null,
        tool_calls: [
          { id: 'a', name: 'crm_lookup', arguments: '{"id":"7"}' },
          { id: 'b', name: 'crm_lookup', arguments: '{not json' },
        ],
      },
      (name) => (name === 'crm_lookup' ? 'crm.lookup' : name),
    );
    expect(action).to.deep.equal({
      kind: 'tools',
      calls: [
        { code: 'crm.lookup', input: { id: '7' }, toolCallId: 'a' },
        { code: 'crm.lookup', input: {}, toolCallId: 'b', inputError: 'the arguments are not valid JSON' },
      ],
    });
  });
  it('refuses an action whose JSON escapes spell what could not be recorded (a NUL, a lone surrogate), saying where', () => {
    expect(text('{"action":"tool","tool_code":"x","input_json":{"q":"a\\u0000b"}}')).to.deep.equal({
      kind: 'invalid',
      error: 'the action cannot be recorded: input_json.q holds a NUL character (U+0000), which cannot be stored',
    });
    expect(text('{"action":"finish","answer":"\\ud800"}')).to.deep.include({ kind: 'invalid' });
    const native = actionOf({ content: null, tool_calls: [{ id: 'a', name: 'x', arguments: '{"q":"\\udc00"}' }] }, same);
    expect(native).to.deep.equal({
      kind: 'tools',
      calls: [{ code: 'x', input: {}, toolCallId: 'a', inputError: 'the arguments cannot be recorded: q holds a lone UTF-16 surrogate, which is not Unicode and cannot be stored' }],
    });
  });
});
