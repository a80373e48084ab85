/*
 * The template runtime: `Hello $name` with the run's input, as Python's `string.Template` writes it.
 * `$name` and `${name}` are replaced by the input's value (a string as it is, anything else as JSON), `$$` is
 * a `$`, and a `$` before anything else stays as it is. Nothing is evaluated: a placeholder is a key of the
 * input, never an expression. A placeholder whose key the input lacks fails the run (`SKILL_TEMPLATE_KEY_MISSING`,
 * naming every missing key) rather than sending half a text on.
 */

const PLACEHOLDER = /\$(?:(\$)|([_a-zA-Z][_a-zA-Z0-9]*)|\{([_a-zA-Z][_a-zA-Z0-9]*)\})/g;

export type Rendered = { text: string } | { missing: string[] };

const textOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

export const renderTemplate = (template: string, input: Record<string, unknown>): Rendered => {
  const missing = new Set<string>();
  const text = template.replace(PLACEHOLDER, (whole, dollar: string | undefined, bare: string | undefined, braced: string | undefined) => {
    if (dollar) return '$';
    const key = (bare ?? braced)!;
    if (!Object.hasOwn(input, key)) {
      missing.add(key);
      return whole;
    }
    return textOf(input[key]);
  });
  return missing.size ? { missing: [...missing] } : { text };
};
