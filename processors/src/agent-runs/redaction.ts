import { EXCERPT_CUT as CUT, type SecretBinding } from '@agent-platform/infra';

/**
 * The forms in which a secret's value comes back from a tool that echoes what it was sent: as it is, JSON-
 * or URL-escaped, and base64 (standard or URL-safe) at each of the three byte alignments, so that it is
 * also found inside `base64("user:" + secret)`: the characters that depend on the secret's bytes alone.
 */
const formsOf = (value: string): string[] => {
  const bytes = Buffer.from(value, 'utf8');
  const base64 = [0, 1, 2].map((k) => {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    return encoded.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
  });
  const forms = [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), ...base64, ...base64.map((b) => b.replace(/\+/g, '-').replace(/\//g, '_'))];
  return [...new Set(forms)];
};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces every configured secret, in every form above, by `[REDACTED:NAME]` in every string (and key)
 * of a value. A string that ends in `CUT` (an excerpt cut short) also loses a trailing start of a secret, which the cut split.
 */
export const redactorOf = (secrets: ReadonlyMap<string, SecretBinding>): (<T>(value: T) => T) => {
  const nameOf = new Map<string, string>();
  for (const [name, { value }] of secrets) for (const form of formsOf(value)) if (!nameOf.has(form)) nameOf.set(form, name);
  if (!nameOf.size) return (value) => value;
  // Longest first, so that a form inside a longer one does not leave the rest of it behind.
  const forms = [...nameOf.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(forms.map(escape).join('|'), 'g');
  const cutTail = (text: string): string => {
    const body = text.slice(0, -CUT.length);
    for (let length = Math.max(...forms.map((f) => f.length)) - 1; length > 0; length--) {
      const form = forms.find((f) => f.length > length && body.endsWith(f.slice(0, length)));
      if (form) return `${body.slice(0, -length)}[REDACTED:${nameOf.get(form)}]${CUT}`;
    }
    return text;
  };
  const inString = (text: string): string => {
    const whole = text.replace(pattern, (form) => `[REDACTED:${nameOf.get(form)}]`);
    return whole.endsWith(CUT) ? cutTail(whole) : whole;
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return inString(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [inString(k), walk(v)]));
    return value;
  };
  return <T>(value: T) => walk(value) as T;
};
