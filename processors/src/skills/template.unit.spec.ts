import { expect } from 'chai';
import { renderTemplate } from './template.js';

describe('the template runtime', () => {
  it("renders the seed's example", () => expect(renderTemplate('Hello $name', { name: 'Lucas' })).to.deep.equal({ text: 'Hello Lucas' }));

  it('replaces braced placeholders, placeholders next to text, and $$ as a dollar', () =>
    expect(renderTemplate('${greeting}, ${name}s! $$5 for $name', { greeting: 'Hi', name: 'Ana' })).to.deep.equal({ text: 'Hi, Anas! $5 for Ana' }));

  it('writes values that are not strings as JSON', () =>
    expect(renderTemplate('$n $flag $list $none', { n: 3, flag: true, list: [1, 'a'], none: null })).to.deep.equal({ text: '3 true [1,"a"] null' }));

  it('leaves a dollar before anything that is not a placeholder as it is', () =>
    expect(renderTemplate('costs $ 5 or $5 or ${', {})).to.deep.equal({ text: 'costs $ 5 or $5 or ${' }));

  it('names every key the input lacks instead of rendering half a text', () =>
    expect(renderTemplate('Hello $name from ${city} and $name', {})).to.deep.equal({ missing: ['name', 'city'] }));

  it('evaluates nothing: a placeholder is a key, and a value is never read as a template again', () => {
    expect(renderTemplate('${constructor} $__proto__', { constructor: 'c' })).to.deep.equal({ missing: ['__proto__'] });
    expect(renderTemplate('$a', { a: '$b', b: 'no' })).to.deep.equal({ text: '$b' });
  });

  it('stops rendering once the text is longer than its bound, however short the template', () => {
    const long = 'x'.repeat(1000);
    expect(renderTemplate('$a'.repeat(50_000), { a: long })).to.deep.equal({ tooLong: 1_000_000 });
    expect(renderTemplate('$a$a', { a: long }, 2000)).to.deep.equal({ text: long + long });
    expect(renderTemplate('$a$a!', { a: long }, 2000)).to.deep.equal({ tooLong: 2000 });
    let rendered = 0;
    const counted = { toJSON: () => ++rendered };
    expect(renderTemplate('$a$a$b', { a: long, b: counted }, 1500)).to.deep.equal({ tooLong: 1500 });
    expect(rendered, 'placeholders rendered past the bound').to.equal(0);
  });
});
