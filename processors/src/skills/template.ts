/*
 * The template runtime: `Hello $name` with the run's input, as Python's `string.Template` writes it.
 * `$name` and `${name}` are replaced by the input's value (a string as it is, anything else as JSON), `$$` is
 * a `$`, and a `$` before anything else stays as it is. Nothing is evaluated: a placeholder is a key of the
 * input, never an expression. A placeholder whose key the input lacks fails the run (`SKILL_TEMPLATE_KEY_MISSING`,
 * naming every missing key) rather than sending half a text on, and one that would render more than
 * `MAX_RENDERED` characters fails the run (`SKILL_TEMPLATE_TOO_LONG`).
 */

/** The longest text a template renders (characters). */
export const MAX_RENDERED = 1_000_000;

const PLACEHOLDER = /\$(?:(\$)|([_a-zA-Z][_a-zA-Z0-9]*)|\{([_a-zA-Z][_a-zA-Z0-9]*)\})/g;

export type Rendered = { text: string } | { missing: string[] } | { tooLong: number };

const textOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * Renders at most `maxLength` characters: a short template that repeats a long value could otherwise
 * make a text of gigabytes (`$a$a$a…`), so rendering stops as soon as the text is longer than that.
 */
export const renderTemplate = (template: string, input: Record<string, unknown>, maxLength = MAX_RENDERED): Rendered => {
  const missing = new Set<string>();
  const parts: string[] = [];
  let length = 0;
  let from = 0;
  const push = (part: string) => {
    parts.push(part);
    length += part.length;
  };
  for (const match of template.matchAll(PLACEHOLDER)) {
    push(template.slice(from, match.index));
    from = match.index + match[0].length;
    const [whole, dollar, bare, braced] = match;
    // The pattern matched `$$`, or a name: bare or braced.
    const key = (bare ?? braced)!;
    if (dollar) push('$');
    else if (Object.hasOwn(input, key)) push(textOf(input[key]));
    else {
      missing.add(key);
      push(whole);
    }
    if (length > maxLength) return { tooLong: maxLength };
  }
  push(template.slice(from));
  if (missing.size) return { missing: [...missing] };
  return length > maxLength ? { tooLong: maxLength } : { text: parts.join('') };
};
